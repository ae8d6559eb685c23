"""Walking distances: the model interface and the straight-line-times-detour model."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

EARTH_RADIUS_M = 6_371_000.0

FloatArray = NDArray[np.float64]


def crow_m(lat: float, lon: float, lats: FloatArray, lons: FloatArray) -> FloatArray:
    """Great-circle distances in metres from one point to many (haversine)."""
    phi1, phi2 = np.radians(lat), np.radians(lats)
    dphi = phi2 - phi1
    dlmb = np.radians(lons - lon)
    a = np.sin(dphi / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlmb / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0, 1))), dtype=np.float64)


def path_m(points: Sequence[Sequence[float]]) -> float:
    """Metres along a polyline of (lat, lon) points."""
    return sum(
        float(crow_m(a[0], a[1], np.array([b[0]]), np.array([b[1]]))[0])
        for a, b in pairwise(points)
    )


class WalkModel(Protocol):
    """Walking distances from a point to candidate points, in metres."""

    name: str

    def walk_m(
        self, lat: float, lon: float, lats: FloatArray, lons: FloatArray, max_m: float
    ) -> FloatArray:
        """Walking distance to each of ``lats/lons``; ``inf`` beyond ``max_m``."""
        ...


class StraightLineWalk:
    """Walking distance as the straight line times a detour factor.

    Args:
        detour_factor: How much longer streets are than the straight line (1.3 is typical).
    """

    name = "straight-line"

    def __init__(self, detour_factor: float = 1.3) -> None:
        self.detour_factor = detour_factor

    def walk_m(
        self, lat: float, lon: float, lats: FloatArray, lons: FloatArray, max_m: float
    ) -> FloatArray:
        """Walking distance to each point; ``inf`` beyond ``max_m``."""
        dist = crow_m(lat, lon, lats, lons) * self.detour_factor
        dist[dist > max_m] = np.inf
        return dist


def walk_s(distance_m: float, speed_mps: float) -> int:
    """Whole seconds to walk ``distance_m`` (rounded up, so plans are never optimistic)."""
    return int(np.ceil(distance_m / speed_mps))
