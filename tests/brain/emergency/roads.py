"""A small synthetic road grid for emergency tests that need no SUMO."""

from __future__ import annotations

from hostcity.brain.emergency.calls import RoadPicture
from hostcity.brain.emergency.routing import RoadEdge, RoadGraph

SPACING_M = 100.0
LIMIT_MPS = 10.0


def grid_graph(size: int = 3) -> RoadGraph:
    """``size`` x ``size`` nodes 100 m apart, joined both ways; edge 'n00-n01' runs n00 -> n01.

    Every edge leads to every edge leaving its end node except the way back (no U-turns).
    """
    nodes = {f"n{i}{j}": (i * SPACING_M, j * SPACING_M) for i in range(size) for j in range(size)}
    pairs = [
        (a, b)
        for a, (ax, ay) in nodes.items()
        for b, (bx, by) in nodes.items()
        if abs(ax - bx) + abs(ay - by) == SPACING_M
    ]
    leaving: dict[str, list[str]] = {}
    for a, b in pairs:
        leaving.setdefault(a, []).append(f"{a}-{b}")
    edges = []
    for a, b in pairs:
        successors = tuple(e for e in leaving[b] if e != f"{b}-{a}")
        edges.append(RoadEdge(f"{a}-{b}", SPACING_M, LIMIT_MPS, (nodes[a], nodes[b]), successors))
    return RoadGraph.build(edges)


def picture(graph: RoadGraph, slow: dict[str, float] | None = None) -> RoadPicture:
    """A road picture at free flow, with ``slow`` edges' travel times overridden."""
    travel_s = graph.free_flow_s()
    travel_s.update(slow or {})
    return RoadPicture(graph, travel_s, 100.0)
