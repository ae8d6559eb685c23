"""The venue model: areas (stands, concourses, stairs, exits) as a graph, read from JSON."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hostcity.core.errors import InputError, ValidationFailed
from hostcity.core.textfiles import read_utf8

AREA_KINDS = ("stand", "concourse", "stairs", "exit")
SPECIFIC_FLOW_PPMS = 1.3  # persons per metre of width per second, a standard design value
STAIRS_SPEED_FACTOR = 0.6


@dataclass(frozen=True)
class Area:
    """One area of a venue; polygon in local metres (x east, y north)."""

    id: str
    kind: str
    name: str
    polygon: tuple[tuple[float, float], ...]
    capacity: int
    width_m: float | None
    lat: float | None
    lon: float | None

    @property
    def centroid(self) -> tuple[float, float]:
        """The mean of the polygon's vertices (good enough for convex areas)."""
        xs = [p[0] for p in self.polygon]
        ys = [p[1] for p in self.polygon]
        return (sum(xs) / len(xs), sum(ys) / len(ys))


@dataclass(frozen=True)
class Link:
    """A passage between two areas, usable both ways."""

    a: str
    b: str
    length_m: float
    width_m: float

    @property
    def capacity_pps(self) -> float:
        """How many people per second the passage lets through."""
        return SPECIFIC_FLOW_PPMS * self.width_m


@dataclass(frozen=True)
class Venue:
    """A venue plan as a graph of areas and links."""

    id: str
    name: str
    areas: tuple[Area, ...]
    links: tuple[Link, ...]
    walk_speed_mps: float
    origin_lat: float | None
    origin_lon: float | None

    def area(self, area_id: str) -> Area:
        """The area ``area_id``.

        Raises:
            InputError: naming the areas that exist.
        """
        for area in self.areas:
            if area.id == area_id:
                return area
        sections = ", ".join(a.id for a in self.areas if a.kind == "stand")
        raise InputError(
            f"venue {self.id!r} has no area {area_id!r}", hint=f"sections are: {sections}"
        )

    @property
    def exits(self) -> tuple[Area, ...]:
        """The exit areas."""
        return tuple(a for a in self.areas if a.kind == "exit")

    @property
    def sections(self) -> tuple[Area, ...]:
        """The stands, where spectators sit."""
        return tuple(a for a in self.areas if a.kind == "stand")

    def exit_capacity_pps(self, exit_area: Area) -> float:
        """People per second an exit discharges."""
        return SPECIFIC_FLOW_PPMS * (exit_area.width_m or 1.0)

    def to_dict(self) -> dict[str, Any]:
        """The venue as JSON-ready data (for the plan drawn in the UI)."""
        return {
            "id": self.id,
            "name": self.name,
            "origin": {"lat": self.origin_lat, "lon": self.origin_lon},
            "areas": [
                {
                    "id": a.id,
                    "kind": a.kind,
                    "name": a.name,
                    "polygon": [list(p) for p in a.polygon],
                    "capacity": a.capacity,
                    "width_m": a.width_m,
                    "lat": a.lat,
                    "lon": a.lon,
                }
                for a in self.areas
            ],
            "links": [
                {"a": link.a, "b": link.b, "length_m": link.length_m, "width_m": link.width_m}
                for link in self.links
            ],
        }


def load_venue(path: Path) -> Venue:
    """Read and validate a venue JSON file (format: docs/venue-format.md).

    Raises:
        InputError: when the file cannot be read or is not JSON.
        ValidationFailed: naming the field at fault, or the areas no exit can be reached from.
    """
    try:
        data = json.loads(read_utf8(path, "venue file"))
    except OSError as exc:
        raise InputError(f"cannot read venue file {path}: {exc.strerror}") from exc
    except json.JSONDecodeError as exc:
        raise InputError(
            f"venue file {path} is not valid JSON (line {exc.lineno}: {exc.msg})"
        ) from exc
    return parse_venue(data, source=str(path))


def parse_venue(data: Any, *, source: str = "venue") -> Venue:
    """Validate venue data already parsed from JSON.

    Raises:
        ValidationFailed: naming the field at fault, or the unreachable areas.
    """
    if not isinstance(data, dict):
        raise ValidationFailed(f"{source}: the venue must be a JSON object", where="(root)")
    venue_id = _text(data, "id", source, "(root)")
    areas = tuple(
        _parse_area(raw, source, f"areas[{i}]")
        for i, raw in enumerate(_list(data, "areas", source))
    )
    ids = [a.id for a in areas]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValidationFailed(f"{source}: duplicate area ids {duplicates}", where="areas")
    by_id = {a.id: a for a in areas}
    links = tuple(
        _parse_link(raw, by_id, source, f"links[{i}]")
        for i, raw in enumerate(_list(data, "links", source))
    )
    venue = Venue(
        id=venue_id,
        name=str(data.get("name", venue_id)),
        areas=areas,
        links=links,
        walk_speed_mps=float(data.get("walk_speed_mps", 1.2)),
        origin_lat=_optional_float(data.get("origin", {}).get("lat")),
        origin_lon=_optional_float(data.get("origin", {}).get("lon")),
    )
    if not venue.exits:
        raise ValidationFailed(f"{source}: the venue has no area of kind 'exit'", where="areas")
    unreachable = _unreachable_areas(venue)
    if unreachable:
        raise ValidationFailed(
            f"{source}: no exit can be reached from {', '.join(unreachable)}",
            where="links",
            hint="add links that connect these areas to the rest of the venue",
        )
    return venue


def _unreachable_areas(venue: Venue) -> list[str]:
    neighbours: dict[str, set[str]] = {a.id: set() for a in venue.areas}
    for link in venue.links:
        neighbours[link.a].add(link.b)
        neighbours[link.b].add(link.a)
    seen = {e.id for e in venue.exits}
    frontier = list(seen)
    while frontier:
        node = frontier.pop()
        for nxt in neighbours[node] - seen:
            seen.add(nxt)
            frontier.append(nxt)
    return sorted(a.id for a in venue.areas if a.id not in seen)


def _parse_area(raw: Any, source: str, where: str) -> Area:
    if not isinstance(raw, dict):
        raise ValidationFailed(f"{source}: {where} must be an object", where=where)
    kind = _text(raw, "kind", source, where)
    if kind not in AREA_KINDS:
        raise ValidationFailed(
            f"{source}: {where}.kind is {kind!r}",
            where=f"{where}.kind",
            hint=f"use one of: {', '.join(AREA_KINDS)}",
        )
    polygon_raw: Any = raw.get("polygon")
    try:
        polygon = tuple((float(p[0]), float(p[1])) for p in polygon_raw)
    except (TypeError, ValueError, IndexError):
        raise ValidationFailed(
            f"{source}: {where}.polygon must be a list of [x, y] points in metres",
            where=f"{where}.polygon",
        ) from None
    if len(polygon) < 3:
        raise ValidationFailed(
            f"{source}: {where}.polygon needs at least 3 points", where=f"{where}.polygon"
        )
    width = _optional_float(raw.get("width_m"))
    if kind == "exit" and (width is None or width <= 0):
        raise ValidationFailed(
            f"{source}: {where} is an exit and needs a positive width_m", where=f"{where}.width_m"
        )
    capacity = int(raw.get("capacity", 0))
    if capacity < 0:
        raise ValidationFailed(f"{source}: {where}.capacity is negative", where=f"{where}.capacity")
    area_id = _text(raw, "id", source, where)
    return Area(
        id=area_id,
        kind=kind,
        name=str(raw.get("name", area_id)),
        polygon=polygon,
        capacity=capacity,
        width_m=width,
        lat=_optional_float(raw.get("lat")),
        lon=_optional_float(raw.get("lon")),
    )


def _parse_link(raw: Any, by_id: dict[str, Area], source: str, where: str) -> Link:
    if not isinstance(raw, dict):
        raise ValidationFailed(f"{source}: {where} must be an object", where=where)
    ends = []
    for key in ("a", "b"):
        area_id = _text(raw, key, source, where)
        if area_id not in by_id:
            raise ValidationFailed(
                f"{source}: {where}.{key} names unknown area {area_id!r}", where=f"{where}.{key}"
            )
        ends.append(by_id[area_id])
    width = _optional_float(raw.get("width_m"))
    if width is None or width <= 0:
        raise ValidationFailed(
            f"{source}: {where}.width_m must be a positive number of metres",
            where=f"{where}.width_m",
        )
    length = _optional_float(raw.get("length_m"))
    if length is None:
        (ax, ay), (bx, by) = ends[0].centroid, ends[1].centroid
        length = math.hypot(ax - bx, ay - by)
    return Link(a=ends[0].id, b=ends[1].id, length_m=length, width_m=width)


def _text(raw: dict[str, Any], key: str, source: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ValidationFailed(
            f"{source}: {where}.{key} is missing or not text", where=f"{where}.{key}"
        )
    return value


def _list(raw: dict[str, Any], key: str, source: str) -> list[Any]:
    value = raw.get(key)
    if not isinstance(value, list) or not value:
        raise ValidationFailed(f"{source}: '{key}' must be a non-empty list", where=key)
    return value


def _optional_float(value: Any) -> float | None:
    return None if value is None else float(value)
