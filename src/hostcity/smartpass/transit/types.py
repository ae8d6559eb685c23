"""Plain data types of the transit feature: feeds, stops, trips and planned journeys."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Stop:
    """A place where vehicles stop (a GTFS stop with location_type 0)."""

    stop_id: str
    name: str
    lat: float
    lon: float


@dataclass(frozen=True)
class Route:
    """A line as passengers know it."""

    route_id: str
    name: str
    long_name: str = ""
    color: str = ""


@dataclass(frozen=True)
class Trip:
    """One run of a vehicle along a route."""

    trip_id: str
    route_id: str
    service_id: str
    headsign: str = ""
    shape_id: str = ""


@dataclass
class Service:
    """The days a service id runs: weekdays between two dates, plus added and removed days."""

    service_id: str
    weekdays: tuple[bool, ...] = (False,) * 7
    start: date | None = None
    end: date | None = None
    added: set[date] = field(default_factory=set)
    removed: set[date] = field(default_factory=set)


@dataclass
class Feed:
    """A validated GTFS feed; ``stop_times`` maps a trip to its (stop, arrival_s, departure_s).

    ``shapes`` maps a shape id to the (lat, lon) points its vehicles drive along, in order.
    """

    name: str
    agency: str
    timezone: str
    stops: dict[str, Stop]
    routes: dict[str, Route]
    trips: dict[str, Trip]
    stop_times: dict[str, tuple[tuple[str, int, int], ...]]
    services: dict[str, Service]
    shapes: dict[str, tuple[tuple[float, float], ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class LatLon:
    """A WGS84 coordinate in degrees."""

    lat: float
    lon: float

    @classmethod
    def parse(cls, text: str) -> LatLon:
        """Parse 'lat,lon'.

        Raises:
            ValueError: when ``text`` is not two numbers in range.
        """
        parts = text.split(",")
        if len(parts) != 2:
            raise ValueError(f"{text!r} is not 'lat,lon'")
        lat, lon = float(parts[0]), float(parts[1])
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValueError(f"{text!r} is not a WGS84 coordinate (lat -90..90, lon -180..180)")
        return cls(lat, lon)


@dataclass(frozen=True)
class TripParams:
    """How people walk and change: speeds, distances and slack."""

    walk_speed_mps: float = 1.3
    detour_factor: float = 1.3
    transfer_max_m: float = 400.0
    access_max_m: float = 1000.0
    direct_walk_max_m: float = 2500.0
    min_change_s: int = 60
    max_rides: int = 5


@dataclass(frozen=True)
class Leg:
    """One leg of a planned journey, in seconds after the service day's start.

    ``from_stop``/``to_stop`` are stop indexes in the timetable, or -1 for the origin and
    -2 for the destination. ``trip`` is the GTFS trip id of a ride.
    """

    mode: str
    from_stop: int
    to_stop: int
    depart_s: int
    arrive_s: int
    trip: str | None = None
    route_id: str | None = None


@dataclass(frozen=True)
class Plan:
    """A journey found by the planner: its arrival, number of rides and legs."""

    arrive_s: int
    rides: int
    legs: tuple[Leg, ...]

    @property
    def transfers(self) -> int:
        """Changes between vehicles (a walk-only or one-ride journey has none)."""
        return max(0, self.rides - 1)
