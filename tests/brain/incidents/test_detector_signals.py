"""Signal-aware detection: a loop occupied through green is a stall, a queue at red is not."""

from __future__ import annotations

import random

import pytest

from hostcity.brain.incidents.detector import DetectorConfig, IncidentDetector
from hostcity.brain.incidents.graph import PlacedDetector, build_graph
from hostcity.brain.incidents.profile import DAY_S, is_standing, learn_profiles
from hostcity.brain.incidents.types import Alarm, DetectorNode, Sample

INTERVAL_S = 10.0
LANES = ("a_0", "a_1")


def _graph() -> dict[str, DetectorNode]:
    placed = [PlacedDetector(f"d-{lane}", lane, "a") for lane in LANES]
    groups = dict.fromkeys(LANES, ("j", (True, False)))  # both lanes share one green
    return build_graph(placed, {"a_0": ["b_0"], "a_1": ["b_1"]}, green_groups=groups)


def _flowing(det: str, end_s: float, green_s: float, rng: random.Random) -> Sample:
    """A green interval of normal traffic: the queue discharges over the loop."""
    count = float(rng.randint(1, 3))
    return Sample(det, end_s, INTERVAL_S, count, 0.3, 10.0, green_s=green_s, occupied_now=False)


def _standing(det: str, end_s: float, green_s: float, *, known: bool = True) -> Sample:
    """Nobody passes, a vehicle stands on the loop the whole interval."""
    if not known:
        return Sample(det, end_s, INTERVAL_S, 0.0, 1.0, None)
    return Sample(det, end_s, INTERVAL_S, 0.0, 1.0, None, green_s=green_s, occupied_now=True)


def _cycles(
    rng: random.Random, start_s: float, cycles: int, *, red_intervals: int = 3
) -> list[list[Sample]]:
    """Fixed-time cycles: 30 s green (queue discharging), then a red with a queue on the loop."""
    batches: list[list[Sample]] = []
    end_s = start_s
    for _ in range(cycles):
        for _green in range(3):
            end_s += INTERVAL_S
            batches.append([_flowing(f"d-{lane}", end_s, INTERVAL_S, rng) for lane in LANES])
        for _red in range(red_intervals):
            end_s += INTERVAL_S
            batches.append([_standing(f"d-{lane}", end_s, 0.0) for lane in LANES])
    return batches


def _detector(seed: int) -> tuple[IncidentDetector, random.Random]:
    rng = random.Random(seed)
    history = [s for batch in _cycles(rng, 0.0, 60) for s in batch]
    graph = _graph()
    peers = {det: node.peers for det, node in graph.items()}
    return IncidentDetector(graph, learn_profiles(history, neighbours=peers)), rng


def _run(detector: IncidentDetector, batches: list[list[Sample]]) -> list[Alarm]:
    return [alarm for batch in batches for alarm in detector.process(batch)]


def _stall(
    batches: list[list[Sample]], lanes: tuple[str, ...], *, known: bool = True
) -> list[list[Sample]]:
    """The loops of ``lanes`` stand occupied through every interval, green or red."""
    return [
        [
            _standing(s.detector_id, s.end_s, s.green_s or 0.0, known=known)
            if s.detector_id in {f"d-{lane}" for lane in lanes}
            else s
            for s in batch
        ]
        for batch in batches
    ]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_queue_at_a_long_red_raises_nothing(seed: int) -> None:
    detector, rng = _detector(seed)
    # reds five times longer than any seen while learning (a pedestrian phase, a pre-emption)
    assert _run(detector, _cycles(rng, 3600.0, 20, red_intervals=15)) == []


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_vehicle_standing_through_green_is_raised_within_that_green(seed: int) -> None:
    detector, rng = _detector(seed)
    normal = _cycles(rng, 3600.0, 6)
    # the stall begins with the red that ends at 4020 s; green follows from 4020 s
    stalled = _stall(_cycles(rng, 3960.0, 5)[3:], ("a_0",))
    alarms = _run(detector, normal + stalled)
    assert [a for a in alarms if a.raised_s <= 3960.0] == []
    hits = [a for a in alarms if a.lane_id == "a_0"]
    assert hits, "the stall was not raised"
    green_from_s = 3960.0 + 6 * INTERVAL_S
    assert hits[0].raised_s <= green_from_s + 2 * INTERVAL_S
    assert hits[0].evidence["stopped_through_green"]["green_s"] >= 10.0
    assert [a for a in alarms if a.lane_id == "a_1"] == []


def test_lanes_standing_together_through_green_need_more_green() -> None:
    alone, rng_a = _detector(4)
    together, rng_b = _detector(4)
    one = _run(alone, _stall(_cycles(rng_a, 3600.0, 5)[3:], ("a_0",)))
    both = _run(together, _stall(_cycles(rng_b, 3600.0, 5)[3:], ("a_0", "a_1")))
    first_one = min(a.raised_s for a in one if a.lane_id == "a_0")
    first_both = min(a.raised_s for a in both if a.lane_id == "a_0")
    assert first_both > first_one
    assert next(a for a in both if a.lane_id == "a_0").evidence["stopped_through_green"][
        "peer_lanes_standing"
    ]


def test_without_signal_state_the_loop_only_rules_still_raise() -> None:
    detector, rng = _detector(5)
    alarms = _run(detector, _stall(_cycles(rng, 3600.0, 8)[3:], ("a_0",), known=False))
    hits = [a for a in alarms if a.lane_id == "a_0"]
    assert hits, "the loop-only rules missed a stall standing for minutes"
    assert "stopped_through_green" not in hits[0].evidence
    assert "stopped_on_loop" in hits[0].evidence


@pytest.mark.parametrize(
    ("occupied_now", "standing"),
    [
        pytest.param(None, True, id="unknown"),
        pytest.param(True, True, id="occupied"),
        pytest.param(False, False, id="left-at-the-end"),
    ],
)
def test_a_loop_free_at_the_interval_end_is_not_standing(
    occupied_now: bool | None, standing: bool
) -> None:
    sample = Sample("d", 10.0, INTERVAL_S, 0.0, 0.95, None, occupied_now=occupied_now)
    assert is_standing(sample) is standing


def test_profiles_learn_the_green_a_loop_normally_stands_through() -> None:
    history = [
        _standing("d", 10.0, 0.0),
        _standing("d", 20.0, 4.0),
        _standing("d", 30.0, 3.0),
        _flowing("d", 40.0, 10.0, random.Random(1)),
        _standing("d", 50.0, 5.0),
    ]
    profile = learn_profiles(history).all_day["d"]
    assert profile.max_stuck_green_s == 7.0
    assert learn_profiles([Sample("d", 10.0, 10.0, 1.0, 0.1)]).all_day["d"].max_stuck_green_s == 0


def _long_green_stand(batches: list[list[Sample]], cycle: int) -> list[list[Sample]]:
    """``d-a_0`` stands through the whole green of ``cycle`` (30 s), then flows again."""
    start = cycle * 6
    return [
        [
            _standing(s.detector_id, s.end_s, s.green_s or 0.0)
            if s.detector_id == "d-a_0" and start <= index < start + 3
            else s
            for s in batch
        ]
        for index, batch in enumerate(batches)
    ]


def _bucketed_detector(seed: int, window: int) -> tuple[IncidentDetector, random.Random]:
    """Learned from 30 min in 15-min buckets; in the first, d-a_0 stood through 30 s of green."""
    rng = random.Random(seed)
    history = [s for batch in _long_green_stand(_cycles(rng, 0.0, 30), 7) for s in batch]
    graph = _graph()
    peers = {det: node.peers for det, node in graph.items()}
    book = learn_profiles(history, bucket_s=900.0, neighbours=peers)
    config = DetectorConfig(green_window_buckets=window)
    return IncidentDetector(graph, book, config), rng


def test_nearby_buckets_skip_thin_ones_and_wrap_midnight() -> None:
    rng = random.Random(7)
    history = [s for batch in _cycles(rng, DAY_S - 900.0, 30) for s in batch]
    history.append(_standing("d-a_0", 2 * 900.0 + 10.0, 0.0))  # one interval: too thin
    book = learn_profiles(history, bucket_s=900.0)
    # at 0:16 (bucket 1): 23:45 (bucket 95, 89 intervals) and 0:00 (bucket 0, 90 intervals)
    # wrap over midnight; bucket 2 holds one interval only and bucket 3 none
    near = book.nearby("d-a_0", 1000.0, 2)
    assert [p.intervals for p in near] == [89, 90]
    assert book.nearby("d-a_0", 1000.0, 0) == []


@pytest.mark.parametrize("seed", [1, 2])
def test_a_long_green_stand_seen_in_the_bucket_before_is_normal(seed: int) -> None:
    # the same 30 s stand the loop showed yesterday at 0:07, today at 0:17 (next bucket)
    windowed, rng = _bucketed_detector(seed, 1)
    today = _long_green_stand(_cycles(rng, DAY_S + 900.0, 10), 2)
    assert _run(windowed, today) == []
    alone, rng = _bucketed_detector(seed, 0)
    today = _long_green_stand(_cycles(rng, DAY_S + 900.0, 10), 2)
    assert [a.lane_id for a in _run(alone, today)] == ["a_0"]


@pytest.mark.parametrize("seed", [1, 2])
def test_a_real_stall_is_still_raised_with_the_window(seed: int) -> None:
    detector, rng = _bucketed_detector(seed, 1)
    stalled = _stall(_cycles(rng, DAY_S + 900.0, 8)[3:], ("a_0",))
    hits = [a for a in _run(detector, stalled) if a.lane_id == "a_0"]
    assert hits, "the stall was not raised"
    evidence = hits[0].evidence["stopped_through_green"]
    assert evidence["needed_s"] == pytest.approx(39.0)  # 1.3 x the 30 s of the bucket before
    assert evidence["green_s"] >= 39.0
    assert hits[0].raised_s <= DAY_S + 900.0 + 3 * 60.0  # within the third green
