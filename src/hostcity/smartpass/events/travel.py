"""Travel time between venues: straight-line distance, a detour factor, walking or transit speed."""

from __future__ import annotations

import math
from dataclasses import dataclass

EARTH_RADIUS_M = 6_371_008.8


@dataclass(frozen=True)
class TravelModel:
    """A coarse door-to-door travel estimate until the trip planner is wired in.

    Attributes:
        detour_factor: Street distance over straight-line distance (1.3 to 1.4 in cities).
        walk_speed_mps: Walking speed of a visitor in a crowd.
        walk_max_m: Longest trip, by street distance, that a visitor walks.
        transit_speed_mps: Mean door-to-door speed by public transport beyond that.
        transit_wait_s: Time to reach a stop and wait for a vehicle.
        entry_margin_s: Leaving one venue and passing security at the next.
    """

    detour_factor: float = 1.35
    walk_speed_mps: float = 1.3
    walk_max_m: float = 1_500.0
    transit_speed_mps: float = 8.0
    transit_wait_s: float = 600.0
    entry_margin_s: float = 900.0


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in metres between two WGS84 points."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def travel_time_s(straight_m: float, model: TravelModel) -> float:
    """Seconds from leaving one venue to being seated at the next, ``straight_m`` apart.

    Walks when the street distance is at most ``walk_max_m``; otherwise rides transit.
    The same venue (0 m) needs no time at all.
    """
    if straight_m <= 0:
        return 0.0
    street_m = straight_m * model.detour_factor
    if street_m <= model.walk_max_m:
        moving_s = street_m / model.walk_speed_mps
    else:
        moving_s = model.transit_wait_s + street_m / model.transit_speed_mps
    return moving_s + model.entry_margin_s
