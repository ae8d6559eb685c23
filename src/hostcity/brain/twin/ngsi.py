"""NGSI-LD ``TrafficFlowObserved`` entities (Smart Data Models) to and from observations."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from hostcity.brain.twin.types import DetectorReading, DetectorSpec, Observation
from hostcity.core.errors import ValidationFailed
from hostcity.core.timeutil import parse_iso

ENTITY_TYPE = "TrafficFlowObserved"
ID_PREFIX = "urn:ngsi-ld:TrafficFlowObserved:"
SEGMENT_PREFIX = "urn:ngsi-ld:RoadSegment:"
CONTEXT = [
    "https://raw.githubusercontent.com/smart-data-models/dataModel.Transportation/master/context.jsonld",
    "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld",
]
GREEN_TIME = "greenTime"
"""HostCity extension: seconds of the window the detector's approach had green (optional);
the twin counts a permissive-green second half while priority traffic crosses
(``detectors.lane_green_weight``)."""
OCCUPIED_NOW = "occupiedNow"
"""HostCity extension: whether a vehicle stood on the detector at the window's end (optional)."""
MAX_BATCH = 10_000
MAX_ID_CHARS = 200
KMH_PER_MPS = 3.6


class _Bad(Exception):
    """A field of one entity is wrong; turned into ``ValidationFailed`` with the entity named."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _value(entity: Mapping[str, Any], name: str) -> Any:
    """The value of an attribute in key-values or normalized (Property / GeoProperty) form."""
    raw = entity.get(name)
    if isinstance(raw, Mapping) and "type" in raw and ("value" in raw or "object" in raw):
        raw = raw.get("value", raw.get("object"))
    # NGSI-LD may type a DateTime as {"@type": "DateTime", "@value": "..."}
    if isinstance(raw, Mapping) and "@value" in raw:
        raw = raw["@value"]
    return raw


def _time(entity: Mapping[str, Any], name: str) -> datetime | None:
    raw = _value(entity, name)
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise _Bad(name, "must be an ISO-8601 date-time string")
    try:
        return parse_iso(raw)
    except ValueError:
        raise _Bad(name, f"{raw!r} is not an ISO-8601 date-time") from None


def _window(entity: Mapping[str, Any]) -> tuple[datetime, datetime]:
    start = _time(entity, "dateObservedFrom")
    end = _time(entity, "dateObservedTo")
    observed = _value(entity, "dateObserved")
    if isinstance(observed, str) and "/" in observed:
        first, _, second = observed.partition("/")
        try:
            start, end = parse_iso(first), parse_iso(second)
        except ValueError:
            raise _Bad("dateObserved", f"{observed!r} is not an ISO-8601 interval") from None
    elif observed is not None:
        instant = _time(entity, "dateObserved")
        end = end or instant
        start = start or end
    if end is None:
        raise _Bad("dateObserved", "missing: give dateObserved or dateObservedFrom/dateObservedTo")
    start = start or end
    if start > end:
        raise _Bad("dateObservedFrom", "is after the end of the observation window")
    return start, end


def _number(
    entity: Mapping[str, Any], name: str, *, low: float = 0.0, high: float = math.inf
) -> float | None:
    raw = _value(entity, name)
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
        raise _Bad(name, f"must be a number, got {raw!r}")
    if not low <= raw <= high:
        raise _Bad(name, f"{raw} is outside {low:g} to {high:g}")
    return float(raw)


def _flag(entity: Mapping[str, Any], name: str) -> bool | None:
    raw = _value(entity, name)
    if raw is None:
        return None
    if not isinstance(raw, bool):
        raise _Bad(name, f"must be true or false, got {raw!r}")
    return raw


def _lane(entity: Mapping[str, Any]) -> int | None:
    raw = _value(entity, "laneId")
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
        raise _Bad("laneId", f"must be a non-negative integer, got {raw!r}")
    return raw


def _segment(entity: Mapping[str, Any]) -> str | None:
    raw = _value(entity, "refRoadSegment")
    if raw is None:
        return None
    if not isinstance(raw, str) or not raw.strip():
        raise _Bad("refRoadSegment", "must be a road segment id (string)")
    return raw.removeprefix(SEGMENT_PREFIX)[:MAX_ID_CHARS]


def _location(entity: Mapping[str, Any]) -> tuple[float | None, float | None]:
    raw = _value(entity, "location")
    if raw is None:
        return None, None
    if not isinstance(raw, Mapping):
        raise _Bad("location", "must be a GeoJSON geometry")
    kind, coords = raw.get("type"), raw.get("coordinates")
    if kind == "LineString" and isinstance(coords, list) and coords:
        coords = coords[0]
    elif kind != "Point":
        raise _Bad("location", f"must be a GeoJSON Point or LineString, got type {kind!r}")
    if (
        not isinstance(coords, list)
        or len(coords) < 2
        or not all(isinstance(c, int | float) and not isinstance(c, bool) for c in coords[:2])
    ):
        raise _Bad("location", "coordinates must be [longitude, latitude]")
    lon, lat = float(coords[0]), float(coords[1])
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise _Bad("location", f"[{lon}, {lat}] is not a valid [longitude, latitude]")
    return lon, lat


def _detector_id(entity: Mapping[str, Any]) -> str:
    raw = entity.get("id")
    if not isinstance(raw, str) or not raw.strip():
        raise _Bad("id", "missing: every entity needs an id (a URN naming the sensor)")
    detector = raw.strip().removeprefix(ID_PREFIX)
    if not detector or len(detector) > MAX_ID_CHARS:
        raise _Bad("id", f"must name a sensor in 1 to {MAX_ID_CHARS} characters")
    return detector


def parse_entity(entity: Any, *, source: str = "api") -> Observation:
    """Validate one ``TrafficFlowObserved`` entity and convert it to SI units.

    Raises:
        _Bad: naming the field at fault (``parse_batch`` turns it into ``ValidationFailed``).
    """
    if not isinstance(entity, Mapping):
        raise _Bad("(entity)", "must be a JSON object")
    if entity.get("type") != ENTITY_TYPE:
        raise _Bad("type", f"must be {ENTITY_TYPE!r}, got {entity.get('type')!r}")
    detector = _detector_id(entity)
    start, end = _window(entity)
    intensity = _number(entity, "intensity")
    occupancy = _number(entity, "occupancy", high=1.0)
    speed_kmh = _number(entity, "averageVehicleSpeed", high=500.0)
    if intensity is None and occupancy is None and speed_kmh is None:
        raise _Bad("intensity", "missing: give intensity, occupancy or averageVehicleSpeed")
    window_s = (end - start).total_seconds()
    green_s = _number(entity, GREEN_TIME, high=window_s)
    flow = intensity * 3600.0 / window_s if intensity is not None and window_s > 0 else None
    lon, lat = _location(entity)
    return Observation(
        detector_id=detector,
        observed_from=start,
        observed_to=end,
        intensity_veh=intensity,
        flow_veh_per_h=flow,
        occupancy=occupancy,
        speed_mps=None if speed_kmh is None else speed_kmh / KMH_PER_MPS,
        lane_id=_lane(entity),
        road_segment=_segment(entity),
        lon=lon,
        lat=lat,
        source=source,
        green_s=green_s,
        occupied_now=_flag(entity, OCCUPIED_NOW),
    )


def parse_batch(payload: Any, *, source: str = "api") -> list[Observation]:
    """Validate a whole batch; any bad entity rejects all of it.

    Args:
        payload: The decoded JSON body: an array of entities (one object is taken as a batch of 1).
        source: Recorded with each observation ('api' or 'twin').

    Raises:
        ValidationFailed: naming the index, id and field of the first bad entity.
    """
    entities: Sequence[Any]
    if isinstance(payload, Mapping):
        entities = [payload]
    elif isinstance(payload, list):
        entities = payload
    else:
        raise ValidationFailed(
            "the batch must be a JSON array of TrafficFlowObserved entities",
            where="(body)",
            hint='send [ {"id": ..., "type": "TrafficFlowObserved", ...}, ... ]',
        )
    if not entities:
        raise ValidationFailed(
            "the batch is empty", where="(body)", hint="send at least one entity"
        )
    if len(entities) > MAX_BATCH:
        raise ValidationFailed(
            f"the batch has {len(entities)} entities, more than {MAX_BATCH}",
            where="(body)",
            hint=f"split it into batches of at most {MAX_BATCH}",
        )
    observations = []
    for index, entity in enumerate(entities):
        try:
            observations.append(parse_entity(entity, source=source))
        except _Bad as bad:
            name = entity.get("id") if isinstance(entity, Mapping) else None
            label = f"[{index}]" + (f" {name}" if isinstance(name, str) else "")
            raise ValidationFailed(
                f"entity {label}: {bad.field} {bad.message}; nothing in the batch was stored",
                where=f"[{index}].{bad.field}",
                hint="fix that entity and send the whole batch again",
            ) from None
    return observations


def reading_to_entity(
    reading: DetectorReading, spec: DetectorSpec, *, epoch: datetime
) -> dict[str, Any]:
    """A twin detector reading as a key-values ``TrafficFlowObserved`` entity.

    Args:
        reading: What the loop measured over ``[begin_s, end_s]`` of simulated time.
        spec: Where the loop is.
        epoch: The UTC moment simulated time 0 stands for.
    """
    start = epoch + timedelta(seconds=reading.begin_s)
    end = epoch + timedelta(seconds=reading.end_s)
    entity: dict[str, Any] = {
        "id": ID_PREFIX + spec.detector_id,
        "type": ENTITY_TYPE,
        "dateObserved": f"{start.isoformat()}/{end.isoformat()}",
        "dateObservedFrom": start.isoformat(),
        "dateObservedTo": end.isoformat(),
        "laneId": spec.lane_index,
        "refRoadSegment": SEGMENT_PREFIX + spec.edge_id,
        "intensity": reading.vehicles,
        "occupancy": round(min(1.0, max(0.0, reading.occupancy_pct / 100.0)), 4),
        "dataProvider": "hostcity-twin",
        "@context": CONTEXT,
    }
    if reading.mean_speed_mps is not None and reading.mean_speed_mps >= 0:
        entity["averageVehicleSpeed"] = round(reading.mean_speed_mps * KMH_PER_MPS, 2)
    if reading.green_s is not None:
        entity[GREEN_TIME] = round(reading.green_s, 1)
    if reading.occupied_now is not None:
        entity[OCCUPIED_NOW] = reading.occupied_now
    if spec.lon_lat is not None:
        entity["location"] = {"type": "Point", "coordinates": list(spec.lon_lat)}
    return entity
