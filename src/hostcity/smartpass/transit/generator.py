"""Generated GTFS feeds: random small networks for tests, and shuttle lines through given stops."""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise

import numpy as np

from hostcity.smartpass.transit.walking import crow_m, path_m

HEADERS = {
    "agency.txt": ("agency_id", "agency_name", "agency_url", "agency_timezone"),
    "stops.txt": ("stop_id", "stop_name", "stop_lat", "stop_lon"),
    "routes.txt": ("route_id", "agency_id", "route_short_name", "route_long_name", "route_type"),
    "trips.txt": ("route_id", "service_id", "trip_id", "trip_headsign", "shape_id"),
    "stop_times.txt": ("trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"),
    "calendar.txt": (
        "service_id",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "start_date",
        "end_date",
    ),
    "calendar_dates.txt": ("service_id", "date", "exception_type"),
    "shapes.txt": ("shape_id", "shape_pt_lat", "shape_pt_lon", "shape_pt_sequence"),
}
Point = tuple[float, float]
# (lat, lon) stops in order -> the (lat, lon) path of each hop between consecutive stops
HopPaths = Callable[[Sequence[Point]], list[list[Point]]]


@dataclass(frozen=True)
class FeedSpec:
    """What to generate: size, place, dates, and the random seed."""

    seed: int = 0
    stops: int = 30
    routes: int = 5
    trips_per_route: int = 12
    center_lat: float = 52.44
    center_lon: float = 13.51
    span_m: float = 3000.0
    start: date = date(2026, 2, 2)
    days: int = 14
    timezone: str = "Europe/Berlin"


def gtfs_time(seconds: int) -> str:
    """'H:MM:SS' for seconds after the service day's start (may pass 24 h)."""
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def to_text(rows: dict[str, list[tuple[object, ...]]]) -> dict[str, str]:
    """CSV text for each table."""
    files: dict[str, str] = {}
    for name, header in HEADERS.items():
        if name not in rows:
            continue
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows[name])
        files[name] = buffer.getvalue()
    return files


def _calendar(spec: FeedSpec) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    end = spec.start + timedelta(days=spec.days - 1)
    fmt = "%Y%m%d"
    calendar: list[tuple[object, ...]] = [
        ("weekday", 1, 1, 1, 1, 1, 0, 0, spec.start.strftime(fmt), end.strftime(fmt)),
        ("weekend", 0, 0, 0, 0, 0, 1, 1, spec.start.strftime(fmt), end.strftime(fmt)),
    ]
    # the third day runs the weekend service instead of the weekday one (a holiday)
    holiday = (spec.start + timedelta(days=2)).strftime(fmt)
    exceptions: list[tuple[object, ...]] = [("weekday", holiday, 2), ("weekend", holiday, 1)]
    return calendar, exceptions


def random_feed(spec: FeedSpec) -> dict[str, str]:
    """A random but valid feed: stops in a square, routes as chains of nearby stops.

    Trips run at random headways with random speeds, some overtaking others and some past
    midnight, on a weekday and a weekend service with one holiday exception.
    """
    rng = random.Random(spec.seed)
    half = spec.span_m / 2
    dlat = half / 111_320.0
    dlon = half / (111_320.0 * np.cos(np.radians(spec.center_lat)))
    stops = [
        (
            f"S{i}",
            f"Stop {i}",
            round(spec.center_lat + rng.uniform(-dlat, dlat), 6),
            round(spec.center_lon + rng.uniform(-dlon, dlon), 6),
        )
        for i in range(spec.stops)
    ]
    lats = np.array([s[2] for s in stops], dtype=np.float64)
    lons = np.array([s[3] for s in stops], dtype=np.float64)
    routes: list[tuple[object, ...]] = []
    trips: list[tuple[object, ...]] = []
    stop_times: list[tuple[object, ...]] = []
    for r in range(spec.routes):
        length = rng.randint(3, min(10, spec.stops))
        chain = [rng.randrange(spec.stops)]
        while len(chain) < length:
            dist = crow_m(lats[chain[-1]], lons[chain[-1]], lats, lons)
            order = [int(i) for i in np.argsort(dist) if int(i) not in chain]
            chain.append(order[min(len(order) - 1, rng.randrange(3))])
        routes.append((f"R{r}", "A", f"{r + 1}", f"Line {r + 1}", 3))
        for t in range(spec.trips_per_route):
            service = "weekday" if rng.random() < 0.7 else "weekend"
            seq = chain if t % 2 == 0 else chain[::-1]
            clock = rng.randrange(5 * 3600, 26 * 3600, 60)
            speed_mps = rng.uniform(4.0, 12.0)
            trip_id = f"R{r}T{t}"
            trips.append((f"R{r}", service, trip_id, stops[seq[-1]][1], ""))
            for i, stop in enumerate(seq):
                if i:
                    hop = crow_m(lats[seq[i - 1]], lons[seq[i - 1]], lats[[stop]], lons[[stop]])
                    clock += 60 * max(1, round(float(hop[0]) / speed_mps / 60))
                dwell = 60 * rng.randint(0, 1)
                stop_times.append(
                    (trip_id, gtfs_time(clock), gtfs_time(clock + dwell), stops[stop][0], i + 1)
                )
                clock += dwell
    calendar, exceptions = _calendar(spec)
    return to_text(
        {
            "agency.txt": [("A", "Generated Transit", "https://example.org", spec.timezone)],
            "stops.txt": list(stops),
            "routes.txt": routes,
            "trips.txt": trips,
            "stop_times.txt": stop_times,
            "calendar.txt": calendar,
            "calendar_dates.txt": exceptions,
        }
    )


def shuttle_feed(
    lines: Sequence[tuple[str, Sequence[tuple[str, float, float]]]],
    *,
    agency: str,
    timezone: str,
    start: date,
    days: int,
    first_s: int = 6 * 3600,
    last_s: int = 24 * 3600,
    headway_s: int = 600,
    speed_mps: float = 7.0,
    dwell_s: int = 30,
    drive: HopPaths | None = None,
) -> dict[str, str]:
    """Shuttle lines running both ways every ``headway_s`` through named stops.

    Args:
        lines: (line name, [(stop name, lat, lon), ...]) for each line.
        agency: The operator's name.
        timezone: The operator's IANA time zone.
        start: First service day.
        days: Number of service days.
        drive: Where the shuttles drive between stops; with it the feed has shapes and hops
            are timed by their driven length, without it by the straight line times 1.3.
    """
    stops: dict[str, tuple[object, ...]] = {}
    routes: list[tuple[object, ...]] = []
    trips: list[tuple[object, ...]] = []
    stop_times: list[tuple[object, ...]] = []
    shapes: list[tuple[object, ...]] = []
    for r, (line, places) in enumerate(lines):
        ids: list[str] = []
        for name, lat, lon in places:
            # lines meeting at the same place share the stop, so changing there costs no walk
            stop_id = next(
                (k for k, v in stops.items() if v[2:] == (round(lat, 6), round(lon, 6))),
                f"{r}-{len(ids)}",
            )
            stops[stop_id] = (stop_id, name, round(lat, 6), round(lon, 6))
            ids.append(stop_id)
        routes.append((f"L{r}", "A", line, f"{places[0][0]} - {places[-1][0]}", 3))
        for direction, seq in enumerate((ids, ids[::-1])):
            points = [(float(str(stops[i][2])), float(str(stops[i][3]))) for i in seq]
            shape_id = ""
            if drive is None:
                hop_m = [path_m([a, b]) * 1.3 for a, b in pairwise(points)]
            else:
                hops = drive(points)
                hop_m = [path_m(path) for path in hops]
                shape_id = f"L{r}D{direction}"
                path = [points[0]] + [p for hop in hops for p in hop[1:]]
                shapes += [(shape_id, lat, lon, k + 1) for k, (lat, lon) in enumerate(path)]
            for n, t0 in enumerate(range(first_s + direction * headway_s // 2, last_s, headway_s)):
                trip_id = f"L{r}D{direction}N{n}"
                trips.append((f"L{r}", "daily", trip_id, stops[seq[-1]][1], shape_id))
                clock = t0
                for i, stop_id in enumerate(seq):
                    if i:
                        clock += max(60, int(hop_m[i - 1] / speed_mps) // 30 * 30)
                    stop_times.append(
                        (trip_id, gtfs_time(clock), gtfs_time(clock + dwell_s), stop_id, i + 1)
                    )
                    clock += dwell_s
    end = start + timedelta(days=days - 1)
    return to_text(
        {
            "agency.txt": [("A", agency, "https://example.org", timezone)],
            "stops.txt": list(stops.values()),
            "routes.txt": routes,
            "trips.txt": trips,
            "stop_times.txt": stop_times,
            "calendar.txt": [
                ("daily", 1, 1, 1, 1, 1, 1, 1, start.strftime("%Y%m%d"), end.strftime("%Y%m%d"))
            ],
            **({"shapes.txt": shapes} if shapes else {}),
        }
    )
