"""Builders of TrafficFlowObserved entities for the twin's tests."""

from __future__ import annotations

from typing import Any


def entity(detector: str = "loop-1", **changes: Any) -> dict[str, Any]:
    """A valid key-values entity of ``detector`` over one minute; ``changes`` override fields."""
    body: dict[str, Any] = {
        "id": f"urn:ngsi-ld:TrafficFlowObserved:{detector}",
        "type": "TrafficFlowObserved",
        "dateObservedFrom": "2026-02-10T08:00:00Z",
        "dateObservedTo": "2026-02-10T08:01:00Z",
        "laneId": 1,
        "intensity": 12,
        "occupancy": 0.25,
        "averageVehicleSpeed": 36.0,
        "refRoadSegment": "urn:ngsi-ld:RoadSegment:via-roma",
        "location": {"type": "Point", "coordinates": [9.19, 45.46]},
        "@context": ["https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld"],
    }
    for key, value in changes.items():
        if value is None:
            body.pop(key, None)
        else:
            body[key] = value
    return body
