"""Drawing rides along GTFS shapes: cut a shape between two stops, thin it for a map."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from hostcity.smartpass.transit.walking import crow_m

Point = tuple[float, float]


def _nearest(shape: np.ndarray, point: Point, start: int = 0) -> int:
    """Index (from ``start`` on) of the shape vertex nearest ``point``."""
    dist = crow_m(point[0], point[1], shape[start:, 0], shape[start:, 1])
    return start + int(np.argmin(dist))


def cut(shape: Sequence[Point], board: Point, alight: Point) -> list[list[float]] | None:
    """The part of ``shape`` from the vertex nearest ``board`` on to the one nearest ``alight``.

    The ends are the stops themselves. None when the shape does not pass ``alight`` after
    ``board`` (a shape that does not fit the trip), so the caller draws the stops instead.
    """
    if len(shape) < 2:
        return None
    points = np.asarray(shape, dtype=np.float64)
    i = _nearest(points, board)
    j = _nearest(points, alight, i)
    if j <= i:
        return None
    return [list(board), *(list(map(float, p)) for p in points[i : j + 1]), list(alight)]


def thin(points: Sequence[Point], min_m: float = 10.0) -> list[list[float]]:
    """``points`` without those closer than ``min_m`` to the last one kept; both ends stay."""
    if len(points) <= 2:
        return [list(p) for p in points]
    kept = [points[0]]
    for point in points[1:-1]:
        last = kept[-1]
        if crow_m(last[0], last[1], np.array([point[0]]), np.array([point[1]]))[0] >= min_m:
            kept.append(point)
    kept.append(points[-1])
    return [[round(lat, 6), round(lon, 6)] for lat, lon in kept]
