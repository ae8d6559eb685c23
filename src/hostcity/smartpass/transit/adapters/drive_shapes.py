"""Where a bus line drives: the shortest road path through its stops on a SUMO network.

The demo shuttles' GTFS shapes come from here, so their rides are drawn along the demo
city's streets (one-way streets included) rather than straight from stop to stop.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any

from hostcity.core.errors import InputError

LatLonPoint = tuple[float, float]
SNAP_M = 60.0  # a stop farther than this from every road its buses may use is drawn straight
SNAP_EDGES = 4  # the nearest roads a stop may be served from (both directions of two streets)


class RoadRouter:
    """Shortest drives between points on a SUMO network for one vehicle class.

    Args:
        net_path: A SUMO ``.net.xml`` with a geo projection.
        vclass: The SUMO vehicle class whose roads count (``bus`` by default).
    """

    def __init__(self, net_path: Path, vclass: str = "bus") -> None:
        import sumolib

        try:
            self.net = sumolib.net.readNet(str(net_path))
        except Exception as exc:  # sumolib raises plain exceptions on malformed XML
            raise InputError(
                f"cannot read road network {net_path}: {exc}",
                hint="pass a SUMO .net.xml made by netconvert",
            ) from exc
        self.vclass = vclass

    def hops(self, stops: Sequence[LatLonPoint]) -> list[list[LatLonPoint]]:
        """(lat, lon) points of each drive between consecutive ``stops``, from stop to stop.

        A hop with no road between its stops (or a stop off the roads) is a straight line.
        """
        return [self._hop(a, b) for a, b in pairwise(stops)]

    def _snaps(self, point: LatLonPoint) -> list[tuple[Any, float]]:
        """Edges near ``point`` its vehicles may use, with the offset of ``point`` along each."""
        from sumolib import geomhelper

        x, y = self.net.convertLonLat2XY(point[1], point[0])
        with warnings.catch_warnings():  # without the rtree package sumolib scans every edge
            warnings.simplefilter("ignore", UserWarning)
            nearby = self.net.getNeighboringEdges(x, y, SNAP_M)
        near = [(dist, edge) for edge, dist in nearby if edge.allows(self.vclass)]
        found = []
        for _, edge in sorted(near, key=lambda item: item[0])[:SNAP_EDGES]:
            shape = edge.getShape()
            offset = geomhelper.polygonOffsetWithMinimumDistanceToPoint((x, y), shape)
            position = float(offset) * edge.getLength() / _drawn(shape)  # lane metres
            found.append((edge, min(max(position, 0.0), float(edge.getLength()))))
        return found

    def _hop(self, a: LatLonPoint, b: LatLonPoint) -> list[LatLonPoint]:
        best: tuple[float, list[Any], float, float] | None = None
        for start, start_pos in self._snaps(a):
            for end, end_pos in self._snaps(b):
                path, cost = self.net.getShortestPath(
                    start, end, vClass=self.vclass, fromPos=start_pos, toPos=end_pos
                )
                if path and (best is None or cost < best[0]):
                    best = (float(cost), list(path), start_pos, end_pos)
        if best is None:
            return [a, b]
        _, path, start_pos, end_pos = best
        xy: list[tuple[float, float]] = []
        for i, edge in enumerate(path):
            begin = start_pos if i == 0 else 0.0
            stop = end_pos if i == len(path) - 1 else float(edge.getLength())
            xy += _between(edge.getShape(), edge.getLength(), begin, stop)
        converted = [self.net.convertXY2LonLat(x, y) for x, y in xy]
        return [a, *((round(lat, 6), round(lon, 6)) for lon, lat in converted), b]


def _between(
    shape: Sequence[Sequence[float]], length: float, begin: float, end: float
) -> list[tuple[float, float]]:
    """Points of a polyline from lane position ``begin`` to ``end`` (scaled to the drawing)."""
    from sumolib import geomhelper

    scale = _drawn(shape) / max(length, 1e-9)
    begin, end = begin * scale, end * scale
    points = [tuple(geomhelper.positionAtShapeOffset(shape, begin))]
    walked = 0.0
    for p, q in pairwise(shape):
        walked += geomhelper.distance(p, q)
        if begin < walked < end:
            points.append((q[0], q[1]))
    points.append(tuple(geomhelper.positionAtShapeOffset(shape, end)))
    return [(float(x), float(y)) for x, y, *_ in points]


def _drawn(shape: Sequence[Sequence[float]]) -> float:
    """The polyline's own length (a lane's length may differ from its drawing)."""
    from sumolib import geomhelper

    return sum(geomhelper.distance(p, q) for p, q in pairwise(shape)) or 1.0
