"""Placing induction loops on signalised approaches, and the additional file SUMO reads."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from hostcity.brain.twin.detectors import detector_id_for, detectors_xml, place_detectors
from hostcity.brain.twin.types import Approach
from hostcity.core.errors import InputError


def _approach(tls: str, lane: str, length_m: float) -> Approach:
    edge, _, index = lane.rpartition("_")
    return Approach(tls, lane, edge, int(index), length_m)


@pytest.mark.parametrize(
    ("length_m", "pos_m"),
    [
        pytest.param(200.0, 190.0, id="long-lane-setback"),
        pytest.param(15.0, 7.5, id="short-lane-midpoint"),
        pytest.param(20.0, 10.0, id="exactly-twice-setback"),
    ],
)
def test_loop_sits_before_the_stop_line(length_m: float, pos_m: float) -> None:
    [spec] = place_detectors([_approach("J1", "e1_0", length_m)])
    assert spec.pos_m == pos_m
    assert spec.tls_id == "J1"
    assert (spec.edge_id, spec.lane_index) == ("e1", 0)


def test_one_loop_per_lane_even_when_two_lights_share_it() -> None:
    specs = place_detectors(
        [_approach("J1", "e1_0", 100), _approach("J2", "e1_0", 100), _approach("J1", "e1_1", 100)]
    )
    assert [s.lane_id for s in specs] == ["e1_0", "e1_1"]
    assert {s.tls_id for s in specs} == {"J1"}


def test_detector_ids_are_url_safe() -> None:
    assert detector_id_for("-1234#2_0") == "twin-e1--1234#2_0"
    assert detector_id_for("a b/c_1") == "twin-e1-a_b_c_1"


def test_additional_file_declares_every_loop_with_the_interval() -> None:
    specs = place_detectors([_approach("J1", "e1_0", 100), _approach("J1", "e2_0", 50)])
    root = ET.fromstring(detectors_xml(specs, period_s=30))
    loops = root.findall("inductionLoop")
    assert [loop.get("lane") for loop in loops] == ["e1_0", "e2_0"]
    assert {loop.get("period") for loop in loops} == {"30"}
    assert [loop.get("pos") for loop in loops] == ["90.00", "40.00"]


@pytest.mark.parametrize("period_s", [pytest.param(0, id="zero"), pytest.param(-5, id="negative")])
def test_bad_interval_is_refused(period_s: float) -> None:
    with pytest.raises(InputError):
        detectors_xml([], period_s=period_s)


def test_negative_setback_is_refused() -> None:
    with pytest.raises(InputError):
        place_detectors([], setback_m=-1)
