"""Roads for emergency vehicles: snapping a call to an edge, live travel times, fastest routes."""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from hostcity.brain.emergency.errors import EmergencyInputError, OutsideNetworkError

MAX_SNAP_M = 60.0
"""A call farther than this from every road is outside the network."""
MIN_SPEED_MPS = 1.0
"""Floor of a live speed: a queue still moves, and one stopped car must not cut a road off."""
SPEED_SMOOTHING_S = 60.0
"""Time constant of the live speed average, so one red light does not swing the ETA."""


@dataclass(frozen=True)
class RoadEdge:
    """An edge emergency vehicles may use.

    Attributes:
        edge_id: SUMO edge id.
        length_m: Length of the edge.
        speed_limit_mps: Its speed limit (the free-flow speed).
        shape: Polyline in network x/y metres.
        successors: Edges reachable at its end.
    """

    edge_id: str
    length_m: float
    speed_limit_mps: float
    shape: tuple[tuple[float, float], ...]
    successors: tuple[str, ...] = ()


@dataclass(frozen=True)
class Spot:
    """A position on the network: an edge and a distance along it."""

    edge_id: str
    pos_m: float
    x: float
    y: float
    distance_m: float = 0.0

    def to_dict(self) -> dict[str, float | str]:
        """JSON-ready dict."""
        return {
            "edge": self.edge_id,
            "pos_m": round(self.pos_m, 1),
            "x": round(self.x, 1),
            "y": round(self.y, 1),
            "snap_distance_m": round(self.distance_m, 1),
        }


@dataclass(frozen=True)
class Route:
    """A fastest route and its expected travel time on the travel times it was planned with."""

    edges: tuple[str, ...]
    eta_s: float


@dataclass(frozen=True)
class RoadGraph:
    """The roads emergency vehicles may use, by edge id."""

    edges: Mapping[str, RoadEdge]
    bounds: tuple[float, float, float, float] = field(default=(0.0, 0.0, 0.0, 0.0))
    core: frozenset[str] = frozenset()
    """Edges that all reach one another; clicks snap only to these, so every call is reachable."""

    @classmethod
    def build(cls, edges: Sequence[RoadEdge]) -> RoadGraph:
        """A graph of ``edges``; successors outside it are dropped."""
        ids = {e.edge_id for e in edges}
        kept = {
            e.edge_id: RoadEdge(
                e.edge_id,
                e.length_m,
                e.speed_limit_mps,
                e.shape,
                tuple(s for s in e.successors if s in ids),
            )
            for e in edges
        }
        xs = [x for e in edges for x, _ in e.shape] or [0.0]
        ys = [y for e in edges for _, y in e.shape] or [0.0]
        graph = cls(kept, (min(xs), min(ys), max(xs), max(ys)))
        return cls(kept, graph.bounds, frozenset(connected_core(graph)))

    def free_flow_s(self) -> dict[str, float]:
        """Travel time of every edge at its speed limit."""
        return {e.edge_id: free_flow_time_s(e) for e in self.edges.values()}

    def require(self, edge_id: str) -> RoadEdge:
        """The edge ``edge_id``.

        Raises:
            OutsideNetworkError: when emergency vehicles cannot use such an edge.
        """
        edge = self.edges.get(edge_id)
        if edge is None:
            raise OutsideNetworkError(
                f"edge {edge_id!r} is not a road emergency vehicles can use in this network",
                hint="click on a road of the map, or give x/y metres",
            )
        return edge


def free_flow_time_s(edge: RoadEdge) -> float:
    """Seconds to drive ``edge`` at its speed limit."""
    return edge.length_m / max(edge.speed_limit_mps, MIN_SPEED_MPS)


def live_time_s(edge: RoadEdge, mean_speed_mps: float) -> float:
    """Seconds to drive ``edge`` at the live mean speed (never faster than the limit)."""
    speed = min(max(mean_speed_mps, MIN_SPEED_MPS), max(edge.speed_limit_mps, MIN_SPEED_MPS))
    return edge.length_m / speed


def smooth_speed(previous_mps: float, sample_mps: float, dt_s: float) -> float:
    """Exponential average of an edge's speed over about ``SPEED_SMOOTHING_S``."""
    weight = 1.0 - math.exp(-max(dt_s, 0.0) / SPEED_SMOOTHING_S)
    return previous_mps + weight * (sample_mps - previous_mps)


def _project(px: float, py: float, shape: Sequence[tuple[float, float]]) -> tuple[float, float]:
    """Distance from the point to the polyline and how far along the polyline its foot lies."""
    best = (math.inf, 0.0)
    along = 0.0
    for (ax, ay), (bx, by) in itertools.pairwise(shape):
        dx, dy = bx - ax, by - ay
        seg = math.hypot(dx, dy)
        t = 0.0 if seg == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / seg**2))
        dist = math.hypot(px - (ax + t * dx), py - (ay + t * dy))
        if dist < best[0]:
            best = (dist, along + t * seg)
        along += seg
    if len(shape) == 1:
        best = (math.hypot(px - shape[0][0], py - shape[0][1]), 0.0)
    return best


def _shape_length(shape: Sequence[tuple[float, float]]) -> float:
    return sum(math.dist(a, b) for a, b in itertools.pairwise(shape))


def snap(graph: RoadGraph, x: float, y: float, *, max_m: float = MAX_SNAP_M) -> Spot:
    """The point on the nearest road of the graph's core to ``(x, y)``.

    Raises:
        OutsideNetworkError: when no road is within ``max_m`` metres.
    """
    if not (math.isfinite(x) and math.isfinite(y)):
        raise EmergencyInputError(f"location ({x}, {y}) is not a number", hint="give x/y metres")
    best: tuple[float, str, float] | None = None
    for edge in graph.edges.values():
        if not edge.shape or (graph.core and edge.edge_id not in graph.core):
            continue
        dist, along = _project(x, y, edge.shape)
        if best is None or (dist, edge.edge_id) < (best[0], best[1]):
            best = (dist, edge.edge_id, along)
    if best is None or best[0] > max_m:
        xmin, ymin, xmax, ymax = graph.bounds
        away = "" if best is None else f"{best[0]:.0f} m from the nearest road, "
        raise OutsideNetworkError(
            f"location ({x:.0f}, {y:.0f}) is {away}outside the network",
            hint=f"place the call within {max_m:.0f} m of a road; the network spans "
            f"x {xmin:.0f}..{xmax:.0f}, y {ymin:.0f}..{ymax:.0f} m",
        )
    edge = graph.edges[best[1]]
    shape_m = _shape_length(edge.shape)
    pos_m = best[2] * (edge.length_m / shape_m) if shape_m > 0 else 0.0
    return Spot(edge.edge_id, pos_m, *point_at(edge, pos_m), best[0])


def point_at(edge: RoadEdge, pos_m: float) -> tuple[float, float]:
    """The x/y point ``pos_m`` along ``edge``."""
    shape = edge.shape
    total = _shape_length(shape)
    target = pos_m * (total / edge.length_m) if edge.length_m > 0 else 0.0
    walked = 0.0
    for a, b in itertools.pairwise(shape):
        seg = math.dist(a, b)
        if walked + seg >= target and seg > 0:
            t = (target - walked) / seg
            return a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])
        walked += seg
    return shape[-1]


def spot_on_edge(graph: RoadGraph, edge_id: str, pos_m: float | None = None) -> Spot:
    """The spot ``pos_m`` along ``edge_id`` (its middle by default).

    Raises:
        OutsideNetworkError: for an edge emergency vehicles cannot use.
    """
    edge = graph.require(edge_id)
    pos = edge.length_m / 2 if pos_m is None else max(0.0, min(pos_m, edge.length_m))
    return Spot(edge_id, pos, *point_at(edge, pos))


def _share(edge: RoadEdge, pos_m: float) -> float:
    return max(0.0, min(1.0, pos_m / edge.length_m)) if edge.length_m > 0 else 0.0


def fastest_route(
    graph: RoadGraph, travel_s: Mapping[str, float], origin: Spot, destination: Spot
) -> Route | None:
    """The route of least travel time from ``origin`` to ``destination``, or None if none.

    Args:
        graph: Roads and their successors.
        travel_s: Seconds to drive each whole edge now (free-flow when missing).
        origin: Where the vehicle starts.
        destination: Where it must stop.
    """

    def cost(edge_id: str) -> float:
        return travel_s.get(edge_id) or free_flow_time_s(graph.edges[edge_id])

    start = graph.edges.get(origin.edge_id)
    goal = graph.edges.get(destination.edge_id)
    if start is None or goal is None:
        return None
    first_s = (1.0 - _share(start, origin.pos_m)) * cost(start.edge_id)
    if origin.edge_id == destination.edge_id and destination.pos_m >= origin.pos_m:
        share = _share(start, destination.pos_m) - _share(start, origin.pos_m)
        return Route((origin.edge_id,), share * cost(start.edge_id))
    last_s = _share(goal, destination.pos_m) * cost(goal.edge_id)
    best: dict[str, float] = {}
    previous: dict[str, str] = {}
    heap: list[tuple[float, str]] = []
    for successor in start.successors:
        if first_s < best.get(successor, math.inf):
            best[successor] = first_s
            previous[successor] = start.edge_id
            heapq.heappush(heap, (first_s, successor))
    while heap:
        reached_s, edge_id = heapq.heappop(heap)
        if reached_s > best.get(edge_id, math.inf):
            continue
        if edge_id == goal.edge_id:
            return Route(_walk_back(previous, edge_id, start.edge_id), reached_s + last_s)
        onward_s = reached_s + cost(edge_id)
        for successor in graph.edges[edge_id].successors:
            if onward_s < best.get(successor, math.inf):
                best[successor] = onward_s
                previous[successor] = edge_id
                heapq.heappush(heap, (onward_s, successor))
    return None


def _walk_back(previous: Mapping[str, str], end: str, start: str) -> tuple[str, ...]:
    path = [end]
    node = previous[end]
    while node != start:  # a route back onto its first edge starts and ends on it
        path.append(node)
        node = previous[node]
    path.append(start)
    return tuple(reversed(path))


def remaining_s(
    graph: RoadGraph,
    travel_s: Mapping[str, float],
    route: Sequence[str],
    *,
    index: int,
    pos_m: float,
    arrival_pos_m: float,
) -> float:
    """Seconds left on ``route`` for a vehicle on ``route[index]`` at ``pos_m``.

    Args:
        graph: Roads.
        travel_s: Seconds to drive each whole edge now.
        route: The vehicle's edges.
        index: Which edge of the route it is on.
        pos_m: Its position along that edge.
        arrival_pos_m: Where it stops on the last edge.
    """
    total = 0.0
    last = len(route) - 1
    for i in range(max(0, index), len(route)):
        edge = graph.edges.get(route[i])
        if edge is None:
            continue
        whole = travel_s.get(edge.edge_id) or free_flow_time_s(edge)
        begin = _share(edge, pos_m) if i == index else 0.0
        end = _share(edge, arrival_pos_m) if i == last else 1.0
        total += max(0.0, end - begin) * whole
    return total


def reachable(graph: RoadGraph, start: str, *, backward: bool = False) -> set[str]:
    """Edges reachable from ``start`` (or that reach it, with ``backward``)."""
    links: dict[str, list[str]] = {e: list(graph.edges[e].successors) for e in graph.edges}
    if backward:
        links = {e: [] for e in graph.edges}
        for edge in graph.edges.values():
            for successor in edge.successors:
                links[successor].append(edge.edge_id)
    seen = {start}
    todo = [start]
    while todo:
        for nxt in links[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def connected_core(graph: RoadGraph, *, tries: int = 5) -> set[str]:
    """The largest set of edges that all reach one another, among a few hubs tried."""
    ids = sorted(graph.edges)
    best: set[str] = set()
    for hub in ids[:: max(1, len(ids) // tries)]:
        core = reachable(graph, hub) & reachable(graph, hub, backward=True)
        if len(core) > len(best):
            best = core
    return best
