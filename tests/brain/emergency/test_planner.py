"""Pure pre-emption planner: lead times, phase choice, transitions and trip pairs."""

from __future__ import annotations

import pytest

from hostcity.brain.emergency.errors import EmergencyInputError
from hostcity.brain.emergency.planner import (
    Approach,
    PlanParams,
    eta_s,
    green_phase_index,
    interrupted_phase_index,
    lead_time_s,
    next_passes,
    pick_far_pairs,
    reduction,
    resume_phase_index,
    should_preempt,
    transition_states,
)

PARAMS = PlanParams(yellow_s=3, all_red_s=1, startup_s=2, headway_s=2, margin_s=3, min_speed_mps=8)
PHASES = ["GGrr", "yyrr", "rrGG", "rryy"]


def approach(distance_m: float, *, queue_veh: int = 0, state: str = "rrGG") -> Approach:
    return Approach("J1", 0, distance_m, queue_veh, state)


@pytest.mark.parametrize(
    ("queue_veh", "needs_change", "expected_s"),
    [
        pytest.param(0, False, 3.0, id="green-no-queue"),
        pytest.param(0, True, 7.0, id="change-no-queue"),
        pytest.param(4, True, 7.0 + 2 + 8, id="change-with-queue"),
    ],
)
def test_lead_time_covers_clearance_and_queue(
    queue_veh: int, needs_change: bool, expected_s: float
) -> None:
    assert lead_time_s(queue_veh, needs_change=needs_change, params=PARAMS) == expected_s


def test_eta_uses_minimum_speed_when_stopped() -> None:
    assert eta_s(80.0, 0.0, PARAMS) == 10.0
    assert eta_s(80.0, 16.0, PARAMS) == 5.0


@pytest.mark.parametrize(
    ("distance_m", "queue_veh", "expected"),
    [
        pytest.param(500.0, 0, False, id="far"),
        pytest.param(100.0, 0, True, id="near"),
        pytest.param(200.0, 0, False, id="just-out-of-lead"),
        pytest.param(200.0, 5, True, id="queue-extends-lead"),
    ],
)
def test_should_preempt_within_lead_time(distance_m: float, queue_veh: int, expected: bool) -> None:
    # 15 m/s: 100 m is 6.7 s away (< 7 s lead), 200 m is 13.3 s (lead 7 s, or 19 s with 5 queued)
    assert should_preempt(approach(distance_m, queue_veh=queue_veh), 15.0, PARAMS) is expected


def test_green_signal_is_held_only_near_arrival() -> None:
    green = approach(40.0, state="GGrr")
    assert green.is_green
    assert should_preempt(green, 15.0, PARAMS)
    assert not should_preempt(approach(100.0, state="GGrr"), 15.0, PARAMS)


@pytest.mark.parametrize(
    ("link_index", "expected"),
    [pytest.param(0, 0, id="first-phase"), pytest.param(3, 2, id="second-green")],
)
def test_green_phase_index_picks_phase_serving_link(link_index: int, expected: int) -> None:
    assert green_phase_index(PHASES, link_index) == expected


def test_green_phase_prefers_protected_green() -> None:
    assert green_phase_index(["gGrr", "GrGr"], 0) == 1


def test_green_phase_index_rejects_unserved_link() -> None:
    with pytest.raises(EmergencyInputError, match="link 1"):
        green_phase_index(["Grrr", "rrGG"], 1)


def test_transition_goes_through_yellow_then_red() -> None:
    yellow, red = transition_states("rrGG", "GGrr")
    assert yellow == "rryy"
    assert red == "rrrr"


def test_transition_keeps_shared_greens() -> None:
    yellow, red = transition_states("GGrG", "GrGG")
    assert yellow == "GyrG"
    assert red == "GrrG"


def test_transition_rejects_mismatched_states() -> None:
    with pytest.raises(EmergencyInputError, match="differ in length"):
        transition_states("GGr", "GG")


def test_bad_params_rejected() -> None:
    with pytest.raises(EmergencyInputError, match="must not be negative"):
        PlanParams(yellow_s=-1)


EDGES = [("a", 0.0, 0.0), ("b", 10.0, 0.0), ("c", 1000.0, 1000.0), ("d", 990.0, 1000.0)]


def test_pick_far_pairs_are_far_and_seeded() -> None:
    pairs = pick_far_pairs(EDGES, 5, seed=3)
    assert len(pairs) == 5
    for origin, destination in pairs:
        assert {origin, destination} & {"a", "b"} and {origin, destination} & {"c", "d"}
    assert pick_far_pairs(EDGES, 5, seed=3) == pairs


@pytest.mark.parametrize(
    ("edges", "count", "match"),
    [
        pytest.param(EDGES[:1], 1, "fewer than two", id="one-edge"),
        pytest.param(EDGES, 0, "at least one", id="no-trips"),
    ],
)
def test_pick_far_pairs_rejects_bad_input(
    edges: list[tuple[str, float, float]], count: int, match: str
) -> None:
    with pytest.raises(EmergencyInputError, match=match):
        pick_far_pairs(edges, count, seed=1)


def test_reduction() -> None:
    assert reduction(200.0, 100.0) == -0.5
    assert reduction(0.0, 5.0) == 0.0


def test_green_phase_serves_whole_incoming_lane() -> None:
    # link 0 is green in both; only phase 1 also frees link 1 from the same lane
    phases = ["GrrG", "GGrr"]
    assert green_phase_index(phases, 0, lane_links=[0, 1]) == 1
    assert green_phase_index(["GrGG", "GGrr"], 0, lane_links=[0, 1]) == 1


def test_hold_must_be_positive() -> None:
    with pytest.raises(EmergencyInputError, match="hold > 0 s"):
        PlanParams(max_hold_s=0)


def test_next_passes_keeps_the_nearer_pass_of_a_signal() -> None:
    upcoming = [("J1", 11, 40.0), ("J2", 0, 120.0), ("J1", 0, 180.0)]
    assert next_passes(upcoming) == {"J1": (11, 40.0), "J2": (0, 120.0)}
    assert next_passes([]) == {}


# links 0,1 from lane n, 2,3 from lane w; phases: n green, its yellow, w green, its yellow
RESUME_PHASES = ["GGrr", "yyrr", "rrGG", "rryy"]
RESUME_LANES = ["n", "n", "w", "w"]


@pytest.mark.parametrize(
    ("queues", "held_index", "expected"),
    [
        pytest.param({"n": 0, "w": 6}, 0, 2, id="queue-on-the-other-approach"),
        pytest.param({"n": 9, "w": 1}, 2, 0, id="longest-queue-wins"),
        pytest.param({"n": 9, "w": 1}, 0, 2, id="held-phase-comes-last"),
        pytest.param({}, 2, 0, id="no-queue-next-green-in-cycle"),
    ],
)
def test_resume_phase_index(queues: dict[str, int], held_index: int, expected: int) -> None:
    assert (
        resume_phase_index(RESUME_PHASES, RESUME_LANES, queues, held_index=held_index) == expected
    )


def test_resume_phase_index_counts_each_lane_once() -> None:
    # phase 0 greens two links of lane n (3 halted), phase 2 one link each of lanes w and e
    phases = ["GGrr", "yyrr", "rrGG", "rryy", "rrrr"]
    lanes = ["n", "n", "w", "e"]
    assert resume_phase_index(phases, lanes, {"n": 3, "w": 2, "e": 2}, held_index=4) == 2
    assert resume_phase_index(phases, lanes, {"n": 5, "w": 2, "e": 2}, held_index=4) == 0


@pytest.mark.parametrize(
    ("interrupted", "held", "expected"),
    [
        pytest.param(0, 2, 0, id="cut-short-green-resumes"),
        pytest.param(1, 2, 2 + 1, id="cut-during-yellow-next-after-held"),
        pytest.param(3, 0, 1, id="cut-during-yellow-next-green-is-held"),
        pytest.param(2, 2, 3, id="held-was-showing-next-phase"),
    ],
)
def test_interrupted_phase_index(interrupted: int, held: int, expected: int) -> None:
    phases = ["GGrr", "yyrr", "rrGG", "rryy"]
    assert interrupted_phase_index(phases, interrupted, held_index=held) == expected


def test_unknown_resume_mode_rejected() -> None:
    with pytest.raises(EmergencyInputError, match="resume mode 'later'"):
        PlanParams(resume="later")


def test_green_phase_lets_queue_ahead_move_before_protecting() -> None:
    # phase 0 protects link 2 but stops link 3; phase 1 lets both go (link 2 yielding)
    phases = ["rrGr", "rrgG"]
    assert green_phase_index(phases, 2, lane_links=[3]) == 1
    assert green_phase_index(phases, 2) == 0  # nobody ahead: the protected green
