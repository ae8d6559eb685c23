"""Parsing and validating NGSI-LD TrafficFlowObserved batches, and building them from readings."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from hostcity.brain.twin.ngsi import parse_batch, reading_to_entity
from hostcity.brain.twin.types import DetectorReading, DetectorSpec
from hostcity.core.errors import ValidationFailed
from tests.brain.twin.entities import entity


def test_key_values_entity_is_converted_to_si_units() -> None:
    [obs] = parse_batch([entity("loop-7")])
    assert obs.detector_id == "loop-7"
    assert obs.observed_from == datetime(2026, 2, 10, 8, 0, tzinfo=UTC)
    assert obs.observed_to == datetime(2026, 2, 10, 8, 1, tzinfo=UTC)
    assert obs.intensity_veh == 12
    assert obs.flow_veh_per_h == pytest.approx(720.0)
    assert obs.speed_mps == pytest.approx(10.0)
    assert obs.occupancy == 0.25
    assert (obs.lane_id, obs.road_segment) == (1, "via-roma")
    assert (obs.lon, obs.lat) == (9.19, 45.46)


def test_normalized_ngsi_ld_entity_is_accepted() -> None:
    normalized = {
        "id": "urn:ngsi-ld:TrafficFlowObserved:cam-3",
        "type": "TrafficFlowObserved",
        "dateObserved": {
            "type": "Property",
            "value": {"@type": "DateTime", "@value": "2026-02-10T08:00:00Z/2026-02-10T08:05:00Z"},
        },
        "intensity": {"type": "Property", "value": 50},
        "averageVehicleSpeed": {"type": "Property", "value": 18},
        "refRoadSegment": {"type": "Relationship", "object": "urn:ngsi-ld:RoadSegment:r1"},
        "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [1, 2]}},
    }
    [obs] = parse_batch([normalized])
    assert obs.flow_veh_per_h == pytest.approx(600.0)
    assert obs.speed_mps == pytest.approx(5.0)
    assert obs.road_segment == "r1"
    assert obs.occupancy is None


def test_an_instant_without_window_has_no_hourly_flow() -> None:
    [obs] = parse_batch(
        [entity(dateObservedFrom=None, dateObservedTo=None, dateObserved="2026-02-10T08:00:00Z")]
    )
    assert obs.observed_from == obs.observed_to
    assert obs.flow_veh_per_h is None
    assert obs.intensity_veh == 12


@pytest.mark.parametrize(
    ("bad", "where"),
    [
        pytest.param({"type": "Vehicle"}, "[1].type", id="wrong-type"),
        pytest.param({"id": ""}, "[1].id", id="empty-id"),
        pytest.param({"intensity": -3}, "[1].intensity", id="negative-intensity"),
        pytest.param({"intensity": "many"}, "[1].intensity", id="text-intensity"),
        pytest.param({"occupancy": 1.5}, "[1].occupancy", id="occupancy-over-1"),
        pytest.param({"averageVehicleSpeed": True}, "[1].averageVehicleSpeed", id="bool-speed"),
        pytest.param({"laneId": 1.5}, "[1].laneId", id="fractional-lane"),
        pytest.param({"dateObservedTo": "yesterday"}, "[1].dateObservedTo", id="bad-date"),
        pytest.param(
            {"dateObservedFrom": "2026-02-10T09:00:00Z"}, "[1].dateObservedFrom", id="reversed"
        ),
        pytest.param(
            {"dateObservedFrom": None, "dateObservedTo": None}, "[1].dateObserved", id="no-time"
        ),
        pytest.param(
            {"location": {"type": "Point", "coordinates": [200, 0]}},
            "[1].location",
            id="longitude-out-of-range",
        ),
        pytest.param(
            {"intensity": None, "occupancy": None, "averageVehicleSpeed": None},
            "[1].intensity",
            id="no-measurement",
        ),
    ],
)
def test_a_bad_entity_rejects_the_batch_naming_index_and_field(
    bad: dict[str, Any], where: str
) -> None:
    batch = [entity("good"), entity("bad-one", **bad)]
    with pytest.raises(ValidationFailed) as caught:
        parse_batch(batch)
    assert caught.value.where == where
    assert "[1]" in caught.value.message
    assert "nothing in the batch was stored" in caught.value.message


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param([], id="empty"),
        pytest.param("text", id="string"),
        pytest.param(42, id="number"),
        pytest.param([entity()] * 10_001, id="too-many"),
    ],
)
def test_a_batch_that_is_not_a_list_of_entities_is_rejected(payload: Any) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_batch(payload)
    assert caught.value.where == "(body)"


def test_a_non_object_entity_is_named() -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_batch([entity(), "oops"])
    assert caught.value.where == "[1].(entity)"


def test_twin_reading_round_trips_through_the_parser() -> None:
    spec = DetectorSpec("twin-e1-A0B0_1", "B0", "A0B0_1", "A0B0", 1, 180.0, (13.5, 52.4))
    reading = DetectorReading("twin-e1-A0B0_1", 60.0, 120.0, 9, 12.5, 8.0)
    epoch = datetime(2026, 2, 10, 7, 0, tzinfo=UTC)
    [obs] = parse_batch([reading_to_entity(reading, spec, epoch=epoch)], source="twin")
    assert obs.detector_id == "twin-e1-A0B0_1"
    assert obs.observed_from == datetime(2026, 2, 10, 7, 1, tzinfo=UTC)
    assert obs.observed_to == datetime(2026, 2, 10, 7, 2, tzinfo=UTC)
    assert obs.flow_veh_per_h == pytest.approx(540.0)
    assert obs.occupancy == pytest.approx(0.125)
    assert obs.speed_mps == pytest.approx(8.0)
    assert (obs.lane_id, obs.road_segment, obs.source) == (1, "A0B0", "twin")
    assert (obs.lon, obs.lat) == (13.5, 52.4)


def test_a_reading_without_vehicles_has_no_speed() -> None:
    spec = DetectorSpec("d", "t", "e_0", "e", 0, 5.0)
    entity_ = reading_to_entity(
        DetectorReading("d", 0, 60, 0, 0.0, None), spec, epoch=datetime(2026, 1, 1, tzinfo=UTC)
    )
    assert "averageVehicleSpeed" not in entity_
    assert "location" not in entity_
    [obs] = parse_batch([entity_])
    assert obs.speed_mps is None
    assert obs.intensity_veh == 0
