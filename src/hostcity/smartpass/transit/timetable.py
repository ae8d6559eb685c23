"""One service day laid out for RAPTOR: route patterns, stop indexes, footpaths."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from scipy.spatial import cKDTree

from hostcity.smartpass.transit.service_days import active_services, previous_day
from hostcity.smartpass.transit.types import Feed, TripParams
from hostcity.smartpass.transit.walking import FloatArray, WalkModel, walk_s

DAY_S = 86_400
# tomorrow's trips that leave before this (seconds after tomorrow's start) join today's timetable
NEXT_DAY_S = 6 * 3600


@dataclass
class StopIndex:
    """The feed's stops as arrays, and footpaths between nearby stops (stop, seconds)."""

    stop_ids: list[str]
    names: list[str]
    lats: FloatArray
    lons: FloatArray
    position: dict[str, int]
    footpaths: list[list[tuple[int, int]]]


@dataclass
class Pattern:
    """Trips that stop at the same stops in the same order and never overtake each other."""

    route_id: str
    stops: list[int]
    trip_ids: list[str] = field(default_factory=list)
    dep_cols: list[list[int]] = field(default_factory=list)
    arr_rows: list[list[int]] = field(default_factory=list)
    dep_rows: list[list[int]] = field(default_factory=list)


@dataclass
class Timetable:
    """Everything a query on one service day needs; times are seconds after ``origin``."""

    feed_name: str
    timezone: str
    day: date
    origin: datetime
    stops: StopIndex
    patterns: list[Pattern]
    routes_of_stop: list[list[tuple[int, int]]]
    trips: dict[str, tuple[str, tuple[tuple[int, int, int], ...]]]

    def at(self, seconds: int) -> datetime:
        """The aware datetime (agency time zone) of ``seconds`` after the day's origin."""
        return (self.origin + timedelta(seconds=seconds)).astimezone(ZoneInfo(self.timezone))

    def seconds(self, moment: datetime) -> int:
        """Seconds after the day's origin of an aware ``moment``."""
        return int((moment - self.origin).total_seconds())


def service_day_origin(day: date, zone: str) -> datetime:
    """GTFS times count from noon minus 12 h (local midnight except on clock-change days)."""
    noon = datetime.combine(day, time(12), tzinfo=ZoneInfo(zone))
    return noon - timedelta(hours=12)


def build_stop_index(feed: Feed, walk: WalkModel, params: TripParams) -> StopIndex:
    """Arrays of the feed's stops and the footpaths between stops within walking range."""
    stop_ids = sorted(feed.stops)
    lats = np.array([feed.stops[s].lat for s in stop_ids], dtype=np.float64)
    lons = np.array([feed.stops[s].lon for s in stop_ids], dtype=np.float64)
    footpaths: list[list[tuple[int, int]]] = [[] for _ in stop_ids]
    if stop_ids:
        # local metres are good enough to find candidates; the walk model measures them
        xy = np.column_stack(
            [
                np.radians(lons) * 6_371_000.0 * np.cos(np.radians(lats.mean())),
                np.radians(lats) * 6_371_000.0,
            ]
        )
        tree = cKDTree(xy)
        near = tree.query_ball_point(xy, r=params.transfer_max_m * 1.01)
        for i, candidates in enumerate(near):
            others = np.array([j for j in candidates if j != i], dtype=np.int64)
            if others.size == 0:
                continue
            dist = walk.walk_m(lats[i], lons[i], lats[others], lons[others], params.transfer_max_m)
            footpaths[i] = [
                (int(j), walk_s(float(d), params.walk_speed_mps))
                for j, d in zip(others, dist, strict=True)
                if np.isfinite(d)
            ]
    return StopIndex(
        stop_ids,
        [feed.stops[s].name for s in stop_ids],
        lats,
        lons,
        {s: i for i, s in enumerate(stop_ids)},
        footpaths,
    )


def _day_trips(
    feed: Feed, day: date, stops: StopIndex
) -> dict[str, tuple[str, tuple[tuple[int, int, int], ...]]]:
    """Trips of ``day``, yesterday's still running after midnight, and tomorrow's early ones.

    Keys are trip ids, with '@-1' or '@+1' for the neighbouring days' trips.
    """
    trips: dict[str, tuple[str, tuple[tuple[int, int, int], ...]]] = {}
    days = (
        (-DAY_S, "@-1", active_services(feed, previous_day(day))),
        (0, "", active_services(feed, day)),
        (DAY_S, "@+1", active_services(feed, day + timedelta(days=1))),
    )
    for shift, suffix, services in days:
        if not services:
            continue
        for trip_id, times in feed.stop_times.items():
            trip = feed.trips[trip_id]
            if trip.service_id not in services:
                continue
            if shift < 0 and times[-1][1] < DAY_S:
                continue  # yesterday's trip ended before today began
            if shift > 0 and times[0][2] >= NEXT_DAY_S:
                continue  # a late-evening journey needs only tomorrow's first trips
            trips[trip_id + suffix] = (
                trip.route_id,
                tuple((stops.position[s], arr + shift, dep + shift) for s, arr, dep in times),
            )
    return trips


def _overtakes(a: list[int], b: list[int]) -> bool:
    return any(x > y for x, y in zip(a, b, strict=True))


def build_patterns(
    trips: dict[str, tuple[str, tuple[tuple[int, int, int], ...]]],
) -> list[Pattern]:
    """Group trips into FIFO patterns: same route and stops, sorted, split where trips overtake."""
    groups: dict[tuple[str, tuple[int, ...]], list[str]] = {}
    for trip_id, (route_id, times) in trips.items():
        groups.setdefault((route_id, tuple(s for s, _, _ in times)), []).append(trip_id)
    patterns: list[Pattern] = []
    for (route_id, stop_seq), trip_ids in sorted(groups.items()):
        trip_ids.sort(key=lambda t: [dep for _, _, dep in trips[t][1]])
        lanes: list[Pattern] = []
        for trip_id in trip_ids:
            arr = [a for _, a, _ in trips[trip_id][1]]
            dep = [d for _, _, d in trips[trip_id][1]]
            for lane in lanes:
                if not _overtakes(lane.arr_rows[-1], arr) and not _overtakes(
                    lane.dep_rows[-1], dep
                ):
                    break
            else:
                lane = Pattern(route_id, list(stop_seq))
                lanes.append(lane)
            lane.trip_ids.append(trip_id)
            lane.arr_rows.append(arr)
            lane.dep_rows.append(dep)
        for lane in lanes:
            lane.dep_cols = [list(col) for col in zip(*lane.dep_rows, strict=True)]
        patterns.extend(lanes)
    return patterns


def build_timetable(feed: Feed, day: date, stops: StopIndex) -> Timetable:
    """The timetable of ``day``: its trips plus yesterday's that run past midnight."""
    trips = _day_trips(feed, day, stops)
    patterns = build_patterns(trips)
    routes_of_stop: list[list[tuple[int, int]]] = [[] for _ in stops.stop_ids]
    for p, pattern in enumerate(patterns):
        seen: set[int] = set()
        for pos, stop in enumerate(pattern.stops):
            if stop not in seen:  # a loop boards at the first visit; later ones come in the scan
                routes_of_stop[stop].append((p, pos))
                seen.add(stop)
    return Timetable(
        feed.name,
        feed.timezone,
        day,
        service_day_origin(day, feed.timezone),
        stops,
        patterns,
        routes_of_stop,
        trips,
    )
