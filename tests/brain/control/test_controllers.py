"""Pure tests of the controllers on hand-made junction states (no SUMO)."""

from __future__ import annotations

import pytest

from hostcity.brain.control.controllers import (
    CONTROLLER_NAMES,
    FixedTime,
    MaxPressure,
    make_controller,
)
from hostcity.brain.control.errors import ControllerError
from hostcity.brain.control.hostcity_policy import HostCityController, HostCityParams
from hostcity.brain.control.junction import (
    GreenPhase,
    LaneState,
    Link,
    Observation,
    TlsInfo,
    green_phases,
)
from hostcity.core.errors import InputError

# A four-leg junction: stage 0 serves north-south (links 0, 1), stage 1 east-west (links 2, 3).
NS = GreenPhase("GGrr", 5.0, 60.0, 30.0)
EW = GreenPhase("rrGG", 5.0, 60.0, 20.0)
LINKS = (
    Link("n_in", "s_out"),
    Link("s_in", "n_out"),
    Link("e_in", "w_out"),
    Link("w_in", "e_out"),
)
LENGTHS = {lane: 150.0 for link in LINKS for lane in (link.in_lane, link.out_lane)}
TLS = TlsInfo("J", LINKS, (NS, EW), 3.0, LENGTHS)


def observe(
    phase: int,
    elapsed_s: float,
    *,
    since: tuple[float, float] = (0.0, 0.0),
    **lanes: tuple[float, float] | tuple[float, float, float],
) -> Observation:
    """An observation; lanes given as name=(queue, count[, near])."""
    states = {name: LaneState(*values) for name, values in lanes.items()}
    return Observation(100.0, phase, elapsed_s, states, since)


def test_every_name_makes_its_controller() -> None:
    for name in CONTROLLER_NAMES:
        assert make_controller(name, TLS).name == name


def test_unknown_controller_is_an_input_error_listing_the_valid_ones() -> None:
    with pytest.raises(InputError) as caught:
        make_controller("greedy", TLS)
    assert isinstance(caught.value, ControllerError)
    assert "greedy" in str(caught.value)
    for name in CONTROLLER_NAMES:
        assert name in str(caught.value)


def test_green_phases_skip_yellows_and_keep_program_timings() -> None:
    program = [
        ("GGrr", 31.0, 5.0, 50.0),
        ("yyrr", 4.0, 4.0, 4.0),
        ("rrGG", 20.0, 0.0, 0.0),
        ("rryy", 4.0, 4.0, 4.0),
        ("GGrr", 31.0, 5.0, 50.0),  # repeated stage: kept once
    ]
    greens, yellow_s = green_phases(program)
    assert [g.state for g in greens] == ["GGrr", "rrGG"]
    assert yellow_s == 4.0
    assert greens[0].min_green_s == 5.0 and greens[0].max_green_s == 50.0
    assert greens[1].fixed_s == 20.0 and greens[1].min_green_s == 5.0  # default min green


def test_transition_turns_only_lost_greens_yellow() -> None:
    info = TlsInfo("T", LINKS, (GreenPhase("GGgr", 5, 60, 30), GreenPhase("rGrG", 5, 60, 30)))
    assert info.transition(0, 1) == "yGyr"


@pytest.mark.parametrize(
    ("state", "links", "message"),
    [
        pytest.param(("rrrr",), LINKS, "no green", id="no-green"),
        pytest.param(("GGr",), LINKS, "3 signals for 4 links", id="length-mismatch"),
    ],
)
def test_bad_junctions_are_rejected(
    state: tuple[str, ...], links: tuple[Link, ...], message: str
) -> None:
    greens, _yellow = green_phases([(s, 30.0, 5.0, 50.0) for s in state])
    phases = greens or ()
    if not phases and "no green" not in message:
        pytest.fail("test setup: expected green phases")
    with pytest.raises(ControllerError, match=message):
        TlsInfo("bad", links, phases if phases else ())


@pytest.mark.parametrize(
    ("elapsed_s", "expected"),
    [
        pytest.param(10.0, 0, id="within-plan"),
        pytest.param(30.0, 1, id="plan-over"),
    ],
)
def test_fixed_time_follows_the_plan(elapsed_s: float, expected: int) -> None:
    assert FixedTime(TLS).decide(observe(0, elapsed_s)) == expected


def test_max_pressure_switches_to_the_heavier_stage_after_min_green() -> None:
    controller = MaxPressure(TLS)
    state = {"n_in": (1.0, 1.0), "e_in": (8.0, 8.0), "w_in": (4.0, 4.0)}
    assert controller.decide(observe(0, 3.0, **state)) == 0  # min green first
    assert controller.decide(observe(0, 12.0, **state)) == 1


def test_max_pressure_counts_the_downstream_queue() -> None:
    controller = MaxPressure(TLS)
    state = {"n_in": (5.0, 5.0), "e_in": (6.0, 6.0), "w_out": (5.0, 5.0)}
    assert controller.pressure(observe(0, 20.0, **state), 1) == 1.0
    assert controller.decide(observe(1, 20.0, **state)) == 0


def test_hostcity_keeps_a_green_that_is_still_discharging() -> None:
    controller = HostCityController(TLS)
    # north-south has cars moving near the line; east-west has a modest queue
    state = {"n_in": (0.0, 6.0, 6.0), "e_in": (3.0, 3.0, 3.0)}
    assert controller.decide(observe(0, 15.0, **state)) == 0


def test_hostcity_gaps_out_when_the_green_is_unused() -> None:
    controller = HostCityController(TLS)
    state = {"n_in": (0.0, 0.0, 0.0), "e_in": (3.0, 3.0, 3.0)}
    assert controller.decide(observe(0, 15.0, **state)) == 1


def test_hostcity_never_feeds_a_full_outgoing_lane() -> None:
    controller = HostCityController(TLS)
    full = LENGTHS["w_out"] / 7.5  # jam capacity of the lane
    state = {
        "n_in": (0.0, 0.0, 0.0),
        "e_in": (15.0, 15.0, 15.0),
        "w_out": (full, full),
    }
    assert not controller.has_demand(observe(0, 30.0, **state), 1)
    assert controller.decide(observe(0, 30.0, **state)) == 0


def test_hostcity_serves_a_stage_that_waited_too_long() -> None:
    controller = HostCityController(TLS)
    state = {"n_in": (9.0, 12.0, 12.0), "s_in": (9.0, 12.0, 12.0), "e_in": (1.0, 1.0, 1.0)}
    fresh = observe(0, 20.0, since=(0.0, 30.0), **state)
    overdue = observe(0, 20.0, since=(0.0, controller.params.max_wait_s + 1), **state)
    assert controller.decide(fresh) == 0
    assert controller.decide(overdue) == 1


def test_hostcity_ends_a_green_at_max_green() -> None:
    controller = HostCityController(TLS)
    state = {"n_in": (5.0, 9.0, 9.0), "e_in": (2.0, 2.0, 2.0)}
    assert controller.decide(observe(0, 30.0, **state)) == 0
    assert controller.decide(observe(0, controller.params.max_green_s, **state)) == 1


def test_hostcity_respects_min_green_even_under_pressure() -> None:
    controller = HostCityController(TLS)
    state = {"n_in": (0.0, 0.0, 0.0), "e_in": (30.0, 30.0, 30.0)}
    assert controller.decide(observe(0, 2.0, **state)) == 0


def test_a_switch_knows_which_links_lose_green_and_their_all_red() -> None:
    info = TlsInfo("T", LINKS, (GreenPhase("GGgr", 5, 60, 30), GreenPhase("rGrG", 5, 60, 30)))
    assert info.losing_links(0, 1) == {0, 2}
    assert info.all_red(0, 1) == "rGrr"


@pytest.mark.parametrize(
    ("box_halting_veh", "red_s", "expected"),
    [
        pytest.param(2.0, 0.0, True, id="car-in-box"),
        pytest.param(1.0, 5.0, True, id="still-within-limit"),
        pytest.param(0.0, 0.0, False, id="box-empty"),
        pytest.param(3.0, 6.0, False, id="limit-reached"),
    ],
)
def test_hostcity_clears_the_junction_box_for_a_bounded_time(
    box_halting_veh: float, red_s: float, expected: bool
) -> None:
    controller = HostCityController(TLS, HostCityParams(clearance_max_s=6.0))
    assert controller.clears_junction_box
    assert controller.hold_all_red(box_halting_veh, red_s) is expected


def test_textbook_controllers_never_hold_an_all_red() -> None:
    for name in ("fixed", "actuated", "max-pressure"):
        controller = make_controller(name, TLS)
        assert not controller.clears_junction_box
        assert not controller.hold_all_red(5.0, 0.0)
