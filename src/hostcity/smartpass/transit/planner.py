"""Door-to-door planning: walk to stops, RAPTOR between them, and journeys as plain JSON data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from hostcity.smartpass.transit.errors import OutsideAreaError, OutsideServiceError
from hostcity.smartpass.transit.raptor import DESTINATION, ORIGIN, raptor
from hostcity.smartpass.transit.service_days import service_dates
from hostcity.smartpass.transit.shapes import cut
from hostcity.smartpass.transit.timetable import (
    StopIndex,
    Timetable,
    build_stop_index,
    build_timetable,
)
from hostcity.smartpass.transit.types import Feed, LatLon, Leg, Plan, TripParams
from hostcity.smartpass.transit.walking import WalkModel, walk_s

DEG_M = 111_320.0
CACHED_DAYS = 4


@dataclass
class Network:
    """A feed prepared for queries: stop index, footpaths, and timetables per day."""

    feed: Feed
    walk: WalkModel
    params: TripParams
    stops: StopIndex
    first_day: date
    last_day: date
    _days: dict[date, Timetable] = field(default_factory=dict)

    def timetable(self, day: date) -> Timetable:
        """The timetable of ``day``, built on first use and kept for a few days."""
        if day not in self._days:
            if len(self._days) >= CACHED_DAYS:
                self._days.pop(next(iter(self._days)))
            self._days[day] = build_timetable(self.feed, day, self.stops)
        return self._days[day]

    def covers(self, point: LatLon) -> bool:
        """True when ``point`` is within walking range of the feed's stop area."""
        margin = self.params.access_max_m
        pad_lat = margin / DEG_M
        pad_lon = margin / (DEG_M * max(0.01, float(np.cos(np.radians(point.lat)))))
        lats, lons = self.stops.lats, self.stops.lons
        return bool(
            lats.min() - pad_lat <= point.lat <= lats.max() + pad_lat
            and lons.min() - pad_lon <= point.lon <= lons.max() + pad_lon
        )

    def area(self) -> dict[str, float]:
        """The bounding box of the feed's stops."""
        return {
            "min_lat": float(self.stops.lats.min()),
            "max_lat": float(self.stops.lats.max()),
            "min_lon": float(self.stops.lons.min()),
            "max_lon": float(self.stops.lons.max()),
        }


def prepare(feed: Feed, walk: WalkModel, params: TripParams | None = None) -> Network:
    """Index a validated feed for journey queries (footpaths measured with ``walk``)."""
    params = params or TripParams()
    first, last = service_dates(feed)
    return Network(feed, walk, params, build_stop_index(feed, walk, params), first, last)


def check_request(net: Network, origin: LatLon, destination: LatLon, depart: datetime) -> None:
    """Reject points outside the feed's area and departures outside its service dates.

    Raises:
        OutsideAreaError: naming the point and the area the feed serves.
        OutsideServiceError: naming the departure and the feed's service dates.
    """
    for label, point in (("from", origin), ("to", destination)):
        if not net.covers(point):
            box = net.area()
            raise OutsideAreaError(
                f"'{label}' point {point.lat:.6f},{point.lon:.6f} is outside the area of feed "
                f"{net.feed.name} (stops between lat {box['min_lat']:.4f}..{box['max_lat']:.4f}, "
                f"lon {box['min_lon']:.4f}..{box['max_lon']:.4f})",
                hint="give a point within walking distance of the feed's stops, as lat,lon",
            )
    if depart.tzinfo is None:
        raise OutsideServiceError(
            "the departure time has no time zone",
            hint="give an ISO time with an offset, e.g. 2026-02-10T08:30+01:00",
        )
    day = depart.astimezone(ZoneInfo(net.feed.timezone)).date()
    if not net.first_day <= day <= net.last_day:
        raise OutsideServiceError(
            f"departure {depart.isoformat()} is outside the service dates of feed "
            f"{net.feed.name}: {net.first_day.isoformat()} to {net.last_day.isoformat()}",
            hint="pick a departure within those dates",
        )


def plan(
    net: Network, origin: LatLon, destination: LatLon, depart: datetime
) -> tuple[Timetable, list[Plan]]:
    """The Pareto set of journeys (arrival, transfers) from ``origin`` to ``destination``.

    Raises:
        OutsideAreaError: when a point is outside the feed's area.
        OutsideServiceError: when ``depart`` is outside the feed's dates or lacks a zone.
    """
    check_request(net, origin, destination, depart)
    params = net.params
    local = depart.astimezone(ZoneInfo(net.feed.timezone))
    tt = net.timetable(local.date())
    depart_s = tt.seconds(depart)
    access, egress, direct_s = walks(net, origin, destination)
    plans = raptor(
        tt,
        access,
        egress,
        depart_s,
        max_rides=params.max_rides,
        min_change_s=params.min_change_s,
        direct_walk_s=direct_s,
    )
    return tt, plans


def walks(
    net: Network, origin: LatLon, destination: LatLon
) -> tuple[list[tuple[int, int]], dict[int, int], int | None]:
    """Walking seconds origin -> stops, stops -> destination, and all the way when short."""
    params = net.params
    lats, lons = net.stops.lats, net.stops.lons
    access_m = net.walk.walk_m(origin.lat, origin.lon, lats, lons, params.access_max_m)
    egress_m = net.walk.walk_m(destination.lat, destination.lon, lats, lons, params.access_max_m)
    access = [
        (int(i), walk_s(float(access_m[i]), params.walk_speed_mps))
        for i in np.flatnonzero(np.isfinite(access_m))
    ]
    egress = {
        int(i): walk_s(float(egress_m[i]), params.walk_speed_mps)
        for i in np.flatnonzero(np.isfinite(egress_m))
    }
    direct = net.walk.walk_m(
        origin.lat,
        origin.lon,
        np.array([destination.lat]),
        np.array([destination.lon]),
        params.direct_walk_max_m,
    )[0]
    direct_s = walk_s(float(direct), params.walk_speed_mps) if np.isfinite(direct) else None
    return access, egress, direct_s


def _place(tt: Timetable, stop: int, origin: LatLon, destination: LatLon) -> dict[str, Any]:
    if stop == ORIGIN:
        return {"name": "origin", "lat": origin.lat, "lon": origin.lon}
    if stop == DESTINATION:
        return {"name": "destination", "lat": destination.lat, "lon": destination.lon}
    stops = tt.stops
    return {
        "name": stops.names[stop],
        "stop_id": stops.stop_ids[stop],
        "lat": float(stops.lats[stop]),
        "lon": float(stops.lons[stop]),
    }


def _ride_path(net: Network, tt: Timetable, leg: Leg) -> list[list[float]]:
    """[lat, lon] points of the ride: along its trip's GTFS shape where the feed has one, else
    every stop it passes, boarding and alighting stops included."""
    assert leg.trip is not None
    times = tt.trips[leg.trip][1]
    start = next(
        i for i, (s, _, dep) in enumerate(times) if s == leg.from_stop and dep == leg.depart_s
    )
    end = next(
        i
        for i in range(start + 1, len(times))
        if times[i][0] == leg.to_stop and times[i][1] == leg.arrive_s
    )
    stops = [
        [float(tt.stops.lats[s]), float(tt.stops.lons[s])] for s, _, _ in times[start : end + 1]
    ]
    trip = net.feed.trips.get(leg.trip.split("@", 1)[0])
    shape = net.feed.shapes.get(trip.shape_id) if trip and trip.shape_id else None
    along = cut(shape, (stops[0][0], stops[0][1]), (stops[-1][0], stops[-1][1])) if shape else None
    return along or stops


def _leg_json(
    net: Network, tt: Timetable, leg: Leg, origin: LatLon, destination: LatLon
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "mode": leg.mode,
        "from": _place(tt, leg.from_stop, origin, destination),
        "to": _place(tt, leg.to_stop, origin, destination),
        "depart": tt.at(leg.depart_s).isoformat(),
        "arrive": tt.at(leg.arrive_s).isoformat(),
        "duration_s": leg.arrive_s - leg.depart_s,
    }
    if leg.mode == "walk":
        a, b = out["from"], out["to"]
        # the walk's own model measured it; its time at walking speed gives the distance back
        out["distance_m"] = round((leg.arrive_s - leg.depart_s) * net.params.walk_speed_mps)
        draw = getattr(net.walk, "path", None)
        ends = ((a["lat"], a["lon"]), (b["lat"], b["lon"]))
        out["path"] = draw(*ends) if draw else [list(ends[0]), list(ends[1])]
    if leg.route_id is not None and leg.trip is not None:
        feed = net.feed
        route = feed.routes[leg.route_id]
        out["route"] = route.name
        out["route_id"] = route.route_id
        out["trip_id"] = leg.trip.split("@", 1)[0]
        trip = feed.trips.get(out["trip_id"])
        out["headsign"] = trip.headsign if trip else ""
        out["path"] = _ride_path(net, tt, leg)
    return out


def journeys_json(
    net: Network, tt: Timetable, plans: list[Plan], origin: LatLon, destination: LatLon
) -> dict[str, Any]:
    """The journeys as JSON-ready data, times ISO-8601 in the agency's time zone."""
    journeys = []
    for item in plans:
        legs = [_leg_json(net, tt, leg, origin, destination) for leg in item.legs]
        journeys.append(
            {
                "depart": legs[0]["depart"],
                "arrive": tt.at(item.arrive_s).isoformat(),
                "duration_s": item.arrive_s - item.legs[0].depart_s,
                "transfers": item.transfers,
                "rides": item.rides,
                "legs": legs,
            }
        )
    return {"feed": net.feed.name, "walking": net.walk.name, "journeys": journeys}
