"""GTFS parsing and validation: plain text tables in, a checked ``Feed`` out."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator, Mapping
from datetime import date
from itertools import pairwise
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from hostcity.smartpass.transit.errors import GtfsError
from hostcity.smartpass.transit.types import Feed, Route, Service, Stop, Trip

REQUIRED_FILES = ("agency.txt", "stops.txt", "routes.txt", "trips.txt", "stop_times.txt")
REQUIRED_FIELDS = {
    "agency.txt": ("agency_name", "agency_timezone"),
    "stops.txt": ("stop_id",),
    "routes.txt": ("route_id",),
    "trips.txt": ("route_id", "service_id", "trip_id"),
    "stop_times.txt": ("trip_id", "stop_id", "stop_sequence", "arrival_time", "departure_time"),
    "calendar.txt": (
        "service_id",
        "start_date",
        "end_date",
        *(f"{d}day" for d in ("mon", "tues", "wednes", "thurs", "fri", "satur", "sun")),
    ),
    "calendar_dates.txt": ("service_id", "date", "exception_type"),
    "shapes.txt": ("shape_id", "shape_pt_lat", "shape_pt_lon", "shape_pt_sequence"),
}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MAX_PROBLEMS = 5


class _Problems:
    """Collects validation problems and raises them together, the first one as ``where``."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []

    def add(self, where: str, message: str) -> None:
        self.items.append((where, message))

    def raise_if_any(self) -> None:
        if not self.items:
            return
        shown = "; ".join(f"{where}: {msg}" for where, msg in self.items[:MAX_PROBLEMS])
        more = len(self.items) - MAX_PROBLEMS
        suffix = f" (and {more} more)" if more > 0 else ""
        raise GtfsError(
            f"invalid GTFS feed: {shown}{suffix}",
            where=self.items[0][0],
            hint="fix the named file, line and field, then import the feed again",
        )


def _rows(name: str, text: str) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of one table with their line numbers (the header is line 1)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    fields = [f.strip() for f in reader.fieldnames or []]
    reader.fieldnames = fields
    missing = [f for f in REQUIRED_FIELDS.get(name, ()) if f not in fields]
    if missing:
        raise GtfsError(
            f"{name} lacks required column(s) {', '.join(missing)}",
            where=f"{name} line 1",
            hint="add the columns the GTFS reference requires to the header row",
        )
    for row in reader:
        yield reader.line_num, {k: (v or "").strip() for k, v in row.items() if k is not None}


def parse_time_s(text: str) -> int:
    """Seconds after the service day's start for a GTFS time 'H:MM:SS' (hours may pass 24).

    Raises:
        ValueError: when ``text`` is not such a time.
    """
    parts = text.split(":")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise ValueError(f"{text!r} is not a time H:MM:SS")
    hours, minutes, seconds = (int(p) for p in parts)
    if minutes > 59 or seconds > 59 or hours > 47:
        raise ValueError(f"{text!r} is out of range (H <= 47, MM and SS <= 59)")
    return hours * 3600 + minutes * 60 + seconds


def parse_date(text: str) -> date:
    """A GTFS date 'YYYYMMDD'.

    Raises:
        ValueError: when ``text`` is not such a date.
    """
    if len(text) != 8 or not text.isdigit():
        raise ValueError(f"{text!r} is not a date YYYYMMDD")
    return date(int(text[:4]), int(text[4:6]), int(text[6:]))


def _float(value: str) -> float:
    number = float(value)
    if math.isnan(number):
        raise ValueError("NaN")
    return number


def _parse_agency(text: str, problems: _Problems) -> tuple[str, str]:
    names: list[str] = []
    zones: set[str] = set()
    for line, row in _rows("agency.txt", text):
        names.append(row["agency_name"])
        zone = row["agency_timezone"]
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            problems.add(f"agency.txt line {line}, field agency_timezone", f"unknown zone {zone!r}")
            continue
        zones.add(zone)
    if not names:
        problems.add("agency.txt", "no agency rows")
    if len(zones) > 1:
        problems.add("agency.txt", f"agencies use different time zones {sorted(zones)}")
    return (names[0] if names else ""), (min(zones) if zones else "UTC")


def _parse_stops(text: str, problems: _Problems) -> dict[str, Stop]:
    stops: dict[str, Stop] = {}
    for line, row in _rows("stops.txt", text):
        stop_id = row["stop_id"]
        if not stop_id:
            problems.add(f"stops.txt line {line}, field stop_id", "empty stop_id")
            continue
        if stop_id in stops:
            problems.add(f"stops.txt line {line}, field stop_id", f"duplicate stop_id {stop_id!r}")
            continue
        if row.get("location_type", "") not in ("", "0"):
            continue  # stations, entrances and nodes are not boarding places
        try:
            lat = _float(row.get("stop_lat", ""))
            lon = _float(row.get("stop_lon", ""))
        except ValueError:
            problems.add(
                f"stops.txt line {line}, field stop_lat/stop_lon",
                f"stop {stop_id!r} needs numeric coordinates",
            )
            continue
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            problems.add(
                f"stops.txt line {line}, field stop_lat/stop_lon",
                f"({lat}, {lon}) is not a WGS84 coordinate",
            )
            continue
        stops[stop_id] = Stop(stop_id, row.get("stop_name", "") or stop_id, lat, lon)
    return stops


def _parse_routes(text: str, problems: _Problems) -> dict[str, Route]:
    routes: dict[str, Route] = {}
    for line, row in _rows("routes.txt", text):
        route_id = row["route_id"]
        if not route_id or route_id in routes:
            problems.add(
                f"routes.txt line {line}, field route_id",
                f"empty or duplicate route_id {route_id!r}",
            )
            continue
        name = row.get("route_short_name") or row.get("route_long_name") or route_id
        routes[route_id] = Route(
            route_id, name, row.get("route_long_name", ""), row.get("route_color", "")
        )
    return routes


def _parse_shapes(text: str, problems: _Problems) -> dict[str, tuple[tuple[float, float], ...]]:
    points: dict[str, list[tuple[float, float, float]]] = {}
    for line, row in _rows("shapes.txt", text):
        where = f"shapes.txt line {line}, field"
        try:
            lat, lon = _float(row["shape_pt_lat"]), _float(row["shape_pt_lon"])
        except ValueError:
            problems.add(f"{where} shape_pt_lat", "shape_pt_lat/lon must be numbers")
            continue
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            problems.add(f"{where} shape_pt_lat", f"({lat}, {lon}) is not a WGS84 coordinate")
            continue
        try:
            sequence = float(row["shape_pt_sequence"])
        except ValueError:
            problems.add(f"{where} shape_pt_sequence", "shape_pt_sequence must be a number")
            continue
        if not row["shape_id"]:
            problems.add(f"{where} shape_id", "empty shape_id")
            continue
        points.setdefault(row["shape_id"], []).append((sequence, lat, lon))
    return {
        shape_id: tuple((lat, lon) for _, lat, lon in sorted(rows))
        for shape_id, rows in points.items()
    }


def _parse_trips(
    text: str,
    routes: Mapping[str, Route],
    shapes: Mapping[str, object],
    problems: _Problems,
) -> dict[str, Trip]:
    trips: dict[str, Trip] = {}
    for line, row in _rows("trips.txt", text):
        trip_id = row["trip_id"]
        if not trip_id or trip_id in trips:
            problems.add(
                f"trips.txt line {line}, field trip_id", f"empty or duplicate trip_id {trip_id!r}"
            )
            continue
        if row["route_id"] not in routes:
            problems.add(
                f"trips.txt line {line}, field route_id",
                f"trip {trip_id!r} names route {row['route_id']!r}, not in routes.txt",
            )
            continue
        shape_id = row.get("shape_id", "")
        if shape_id and shape_id not in shapes:
            problems.add(
                f"trips.txt line {line}, field shape_id",
                f"trip {trip_id!r} names shape {shape_id!r}, not in shapes.txt",
            )
            continue
        trips[trip_id] = Trip(
            trip_id, row["route_id"], row["service_id"], row.get("trip_headsign", ""), shape_id
        )
    return trips


def _parse_stop_times(
    text: str, stops: Mapping[str, Stop], trips: Mapping[str, Trip], problems: _Problems
) -> dict[str, tuple[tuple[str, int, int], ...]]:
    raw: dict[str, list[tuple[int, str, int, int]]] = {}
    for line, row in _rows("stop_times.txt", text):
        where = f"stop_times.txt line {line}, field"
        if row["trip_id"] not in trips:
            problems.add(f"{where} trip_id", f"trip {row['trip_id']!r} is not in trips.txt")
            continue
        if row["stop_id"] not in stops:
            problems.add(
                f"{where} stop_id", f"stop {row['stop_id']!r} is not a boarding stop in stops.txt"
            )
            continue
        try:
            sequence = int(row["stop_sequence"])
        except ValueError:
            problems.add(f"{where} stop_sequence", f"{row['stop_sequence']!r} is not an integer")
            continue
        arrival, departure = row["arrival_time"], row["departure_time"]
        if not arrival and not departure:
            raw.setdefault(row["trip_id"], []).append((sequence, row["stop_id"], -1, -1))
            continue
        try:
            arr_s = parse_time_s(arrival or departure)
        except ValueError as exc:
            problems.add(f"{where} {'arrival_time' if arrival else 'departure_time'}", str(exc))
            continue
        try:
            dep_s = parse_time_s(departure or arrival)
        except ValueError as exc:
            problems.add(f"{where} {'departure_time' if departure else 'arrival_time'}", str(exc))
            continue
        if dep_s < arr_s:
            problems.add(f"{where} departure_time", "departure is before arrival")
            continue
        raw.setdefault(row["trip_id"], []).append((sequence, row["stop_id"], arr_s, dep_s))
    for trip_id, items in raw.items():
        items.sort()
        if items[0][2] < 0 or items[-1][2] < 0:
            problems.add(
                f"stop_times.txt trip {trip_id}, field arrival_time",
                "the first and last stop of a trip need times",
            )
            continue
        _interpolate(items, stops)
    times: dict[str, tuple[tuple[str, int, int], ...]] = {}
    for trip_id, items in raw.items():
        if items[0][2] < 0 or items[-1][2] < 0:
            continue
        for (_, _, _, dep_a), (seq_b, _, arr_b, _) in pairwise(items):
            if arr_b < dep_a:
                problems.add(
                    f"stop_times.txt trip {trip_id}, stop_sequence {seq_b}",
                    "arrival is earlier than the previous stop's departure",
                )
                break
        if len(items) >= 2:
            times[trip_id] = tuple((stop, arr, dep) for _, stop, arr, dep in items)
    return times


def _interpolate(items: list[tuple[int, str, int, int]], stops: Mapping[str, Stop]) -> None:
    """Give untimed stops times between their timed neighbours, in proportion to distance."""
    timed = [i for i, item in enumerate(items) if item[2] >= 0]
    for a, b in pairwise(timed):
        if b - a < 2:
            continue
        hops = [
            math.dist(
                (stops[items[i][1]].lat, stops[items[i][1]].lon),
                (stops[items[i + 1][1]].lat, stops[items[i + 1][1]].lon),
            )
            for i in range(a, b)
        ]
        total = sum(hops) or float(len(hops))
        start, end = items[a][3], items[b][2]
        done = 0.0
        for i in range(a + 1, b):
            done += hops[i - a - 1] if sum(hops) else 1.0
            at = start + round((end - start) * done / total)
            items[i] = (items[i][0], items[i][1], at, at)


def _parse_calendar(files: Mapping[str, str], problems: _Problems) -> dict[str, Service]:
    services: dict[str, Service] = {}
    if "calendar.txt" in files:
        for line, row in _rows("calendar.txt", files["calendar.txt"]):
            try:
                days = tuple(row[d] == "1" for d in WEEKDAYS)
                bad = [d for d in WEEKDAYS if row[d] not in ("0", "1")]
                if bad:
                    problems.add(f"calendar.txt line {line}, field {bad[0]}", "must be 0 or 1")
                    continue
                start, end = parse_date(row["start_date"]), parse_date(row["end_date"])
            except ValueError as exc:
                problems.add(f"calendar.txt line {line}, field start_date/end_date", str(exc))
                continue
            services[row["service_id"]] = Service(row["service_id"], days, start, end)
    if "calendar_dates.txt" in files:
        for line, row in _rows("calendar_dates.txt", files["calendar_dates.txt"]):
            try:
                day = parse_date(row["date"])
            except ValueError as exc:
                problems.add(f"calendar_dates.txt line {line}, field date", str(exc))
                continue
            if row["exception_type"] not in ("1", "2"):
                problems.add(
                    f"calendar_dates.txt line {line}, field exception_type",
                    f"{row['exception_type']!r} must be 1 (added) or 2 (removed)",
                )
                continue
            service = services.setdefault(row["service_id"], Service(row["service_id"]))
            (service.added if row["exception_type"] == "1" else service.removed).add(day)
    return services


def parse_feed(files: Mapping[str, str], *, name: str = "feed") -> Feed:
    """Parse and validate a GTFS feed given as ``{file name: text}``.

    Args:
        files: The feed's tables, e.g. ``{"stops.txt": "stop_id,..."}``.
        name: What to call the feed in messages.

    Raises:
        GtfsError: naming the file, line and field of the first problems found.
    """
    missing = [f for f in REQUIRED_FILES if f not in files]
    if "calendar.txt" not in files and "calendar_dates.txt" not in files:
        missing.append("calendar.txt or calendar_dates.txt")
    if missing:
        raise GtfsError(
            f"GTFS feed {name} lacks required file(s): {', '.join(missing)}",
            where=missing[0],
            hint="a feed is a zip with agency, stops, routes, trips, stop_times and a calendar",
        )
    problems = _Problems()
    agency, zone = _parse_agency(files["agency.txt"], problems)
    stops = _parse_stops(files["stops.txt"], problems)
    routes = _parse_routes(files["routes.txt"], problems)
    shapes = _parse_shapes(files["shapes.txt"], problems) if "shapes.txt" in files else {}
    trips = _parse_trips(files["trips.txt"], routes, shapes, problems)
    services = _parse_calendar(files, problems)
    for trip in trips.values():
        if trip.service_id not in services:
            problems.add(
                f"trips.txt trip {trip.trip_id}, field service_id",
                f"service {trip.service_id!r} is in neither calendar file",
            )
            break
    times = _parse_stop_times(files["stop_times.txt"], stops, trips, problems)
    problems.raise_if_any()
    if not times:
        raise GtfsError(
            f"GTFS feed {name} has no trip with two or more timed stops",
            where="stop_times.txt",
            hint="add stop times to the feed's trips",
        )
    return Feed(
        name=name,
        agency=agency,
        timezone=zone,
        stops=stops,
        routes=routes,
        trips={t: trips[t] for t in times},
        stop_times=times,
        services=services,
        shapes=shapes,
    )
