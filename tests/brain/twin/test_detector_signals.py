"""What a loop reads besides counts: per-step occupancy, its lane's green time, NGSI-LD fields."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from hostcity.brain.twin.detectors import (
    OPPOSED_WITHIN_S,
    LoopAccumulator,
    lane_green_weight,
    lane_has_green,
    lane_signal_links,
    merge_batches,
    merge_readings,
)
from hostcity.brain.twin.ngsi import parse_batch, reading_to_entity
from hostcity.brain.twin.types import DetectorReading, DetectorSpec
from hostcity.core.errors import InputError, ValidationFailed
from tests.brain.twin.entities import entity

# light J: link 0 and 1 leave lane a_0 (through, right), link 2 leaves a_1 (left turn)
CONTROLLED = {"J": [[("a_0", "b_0", ":J_0")], [("a_0", "c_0", ":J_1")], [("a_1", "d_0", ":J_2")]]}


def test_each_lane_gets_the_signal_links_leaving_it() -> None:
    links = lane_signal_links(CONTROLLED)
    assert links == {"a_0": (("J", 0), ("J", 1)), "a_1": (("J", 2),)}


def test_a_lane_has_green_when_every_link_leaving_it_has() -> None:
    links = lane_signal_links(CONTROLLED)
    assert lane_has_green({"J": "ggr"}, links["a_0"])  # permissive green counts
    assert lane_has_green({"J": "GGr"}, links["a_0"])
    assert not lane_has_green({"J": "Grr"}, links["a_0"])  # one link still red
    assert not lane_has_green({"J": "yyG"}, links["a_0"])
    assert not lane_has_green({}, links["a_0"])  # unknown light
    assert not lane_has_green({"J": "GGG"}, ())  # lane without signal links


def test_a_permissive_green_counts_part_of_a_second() -> None:
    links = lane_signal_links(CONTROLLED)
    assert lane_green_weight({"J": "GGr"}, links["a_0"]) == 1.0
    # a turn that must yield to oncoming traffic may rightly wait through its green
    assert lane_green_weight({"J": "Ggr"}, links["a_0"]) == 0.5
    assert lane_green_weight({"J": "ggr"}, links["a_0"], permissive_weight=0.25) == 0.25
    assert lane_green_weight({"J": "Grr"}, links["a_0"]) == 0.0
    assert lane_green_weight({"J": "GGG"}, ()) == 0.0


def test_the_accumulator_sums_occupancy_and_green_per_interval() -> None:
    links = lane_signal_links(CONTROLLED)
    loops = LoopAccumulator(lane_of={"d0": "a_0", "d1": "a_1", "dx": "x_0"}, links=links)
    assert loops.lights == ["J"]
    # a_0 green 4 s; a_1 permissive 4 s (unopposed: no other road) then priority green 4 s
    states = ["GGg"] * 4 + ["yyy"] * 2 + ["rrG"] * 4
    for second, state in enumerate(states):
        # a vehicle stands on d0 for the last 6 s; d1 is half covered every step
        occupancy = {"d0": 100.0 if second >= 4 else 0.0, "d1": 50.0, "dx": 0.0}
        loops.add_step(1.0, occupancy, {"J": state})
    assert loops.take("d0", 10.0) == (pytest.approx(0.6), 4.0, True)
    assert loops.take("d1", 10.0) == (pytest.approx(0.5), 8.0, True)
    # off any signal: green is unknown, not zero
    assert loops.take("dx", 10.0) == (0.0, None, False)
    # taking resets the sums
    assert loops.take("d0", 10.0)[:2] == (0.0, 0.0)


def test_a_permissive_green_counts_half_while_oncoming_traffic_passes() -> None:
    # light J: a_1 turns left on a permissive green (link 2) across o_0's through traffic (3)
    controlled = {**CONTROLLED, "J": [*CONTROLLED["J"], [("o_0", "p_0", ":J_3")]]}
    links = lane_signal_links(controlled)
    loops = LoopAccumulator(lane_of={"turn": "a_1", "oncoming": "o_0"}, links=links)
    steps = 40
    for second in range(steps):
        # oncoming cars cross the loop every 4 s for the first 10 s, then the road is empty
        passing = second < 10 and second % 4 == 0
        occupancy = {"turn": 100.0, "oncoming": 40.0 if passing else 0.0}
        loops.add_step(1.0, occupancy, {"J": "rrgG"})
    # the last car passes in second 8: seconds 0 to 8 + OPPOSED_WITHIN_S count half
    opposed = 9 + int(OPPOSED_WITHIN_S)
    assert opposed < steps
    assert loops.take("turn", steps)[1] == pytest.approx(opposed * 0.5 + (steps - opposed))
    assert loops.take("oncoming", steps)[1] == steps
    # the oncoming road at red does not oppose the turn
    for _second in range(10):
        loops.add_step(1.0, {"turn": 100.0, "oncoming": 100.0}, {"J": "rrgr"})
    assert loops.take("turn", 10.0)[1] == 10.0


def test_green_time_and_occupied_now_travel_as_optional_ngsi_properties() -> None:
    spec = DetectorSpec("twin-e1-A0B0_1", "B0", "A0B0_1", "A0B0", 1, 180.0)
    epoch = datetime(2026, 2, 10, 7, 0, tzinfo=UTC)
    reading = DetectorReading("twin-e1-A0B0_1", 0.0, 10.0, 0, 100.0, None, 7.0, True)
    sent = reading_to_entity(reading, spec, epoch=epoch)
    assert (sent["greenTime"], sent["occupiedNow"]) == (7.0, True)
    [obs] = parse_batch([sent], source="twin")
    assert (obs.green_s, obs.occupied_now) == (7.0, True)
    assert obs.to_dict()["green_s"] == 7.0
    plain = reading_to_entity(DetectorReading("d", 0.0, 10.0, 1, 5.0, 9.0), spec, epoch=epoch)
    assert "greenTime" not in plain and "occupiedNow" not in plain
    [real] = parse_batch([entity("loop-7")])
    assert (real.green_s, real.occupied_now) == (None, None)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("greenTime", -1.0, id="negative-green"),
        pytest.param("greenTime", 1e6, id="green-longer-than-the-window"),
        pytest.param("greenTime", "long", id="green-not-a-number"),
        pytest.param("occupiedNow", "yes", id="occupied-not-a-boolean"),
    ],
)
def test_bad_signal_fields_are_named(field: str, value: Any) -> None:
    bad = {**entity("loop-7"), field: value}
    with pytest.raises(ValidationFailed) as caught:
        parse_batch([bad])
    assert caught.value.where == f"[0].{field}"


def test_reads_merge_into_one_reading_over_their_span() -> None:
    reads = [
        DetectorReading("d", 0.0, 10.0, 2, 20.0, 10.0, 10.0, False),
        DetectorReading("d", 10.0, 20.0, 0, 100.0, None, 3.0, True),
        DetectorReading("d", 20.0, 30.0, 1, 30.0, 4.0, 0.0, True),
    ]
    merged = merge_readings(reads)
    assert (merged.begin_s, merged.end_s, merged.vehicles) == (0.0, 30.0, 3)
    assert merged.occupancy_pct == pytest.approx(50.0)
    assert merged.mean_speed_mps == pytest.approx(8.0)  # (2 x 10 + 1 x 4) / 3 vehicles
    assert (merged.green_s, merged.occupied_now) == (13.0, True)
    # off signals green stays unknown; nobody counted leaves the speed unknown
    quiet = [
        DetectorReading("d", 0.0, 10.0, 0, 0.0, None),
        DetectorReading("d", 10.0, 20.0, 0, 0.0, None),
    ]
    assert merge_readings(quiet).green_s is None
    assert merge_readings(quiet).mean_speed_mps is None
    # two loops over two batches: one reading each, in the order they came
    batches = [[reads[0], DetectorReading("e", 0.0, 10.0, 1, 5.0, 9.0)], [reads[1]]]
    assert [(r.detector_id, r.vehicles) for r in merge_batches(batches)] == [("d", 2), ("e", 1)]


@pytest.mark.parametrize(
    "reads",
    [
        pytest.param([], id="none"),
        pytest.param(
            [DetectorReading("d", 0, 10, 1, 5.0, 9.0), DetectorReading("e", 0, 10, 1, 5.0, 9.0)],
            id="two-loops",
        ),
    ],
)
def test_merging_needs_reads_of_one_loop(reads: list[DetectorReading]) -> None:
    with pytest.raises(InputError, match="one loop"):
        merge_readings(reads)
