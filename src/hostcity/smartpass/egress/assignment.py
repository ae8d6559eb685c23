"""Exit assignment: send each section's crowd where it clears soonest, queues included.

The model is a flow-capacity one. Every passage and exit door lets through
``capacity_pps`` people per second; a bottleneck loaded with ``L`` people drains about
``L / capacity`` seconds after its first walker arrives, and the last person of a route is
out when both their walk and every queue on their path are done. Crowds are assigned in small
chunks, each to the exit whose estimated clearance time (walking time plus the worst
queue on its path) is lowest given the chunks already assigned: an incremental
"quickest flow" assignment, which spreads people over exits only when queueing at the
nearest one would cost more than the longer walk.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from hostcity.smartpass.egress.venue import STAIRS_SPEED_FACTOR, Venue

Resource = tuple[str, str]  # ("link", "a|b") or ("exit", exit_id)


@dataclass(frozen=True)
class ExitRoute:
    """How part of a section's crowd should leave."""

    section: str
    exit: str
    path: tuple[str, ...]
    people: int
    share: float
    walk_s: float
    est_clear_s: float


@dataclass(frozen=True)
class EgressPlan:
    """Routes for every occupied section and the estimated time to empty the venue."""

    routes: tuple[ExitRoute, ...]
    est_evacuation_s: float

    def for_section(self, section: str) -> list[ExitRoute]:
        """This section's routes, the largest share first."""
        return sorted((r for r in self.routes if r.section == section), key=lambda r: -r.share)

    def exit_shares(self) -> dict[str, dict[str, float]]:
        """section -> exit -> share of the section's people."""
        shares: dict[str, dict[str, float]] = defaultdict(dict)
        for route in self.routes:
            shares[route.section][route.exit] = route.share
        return dict(shares)


@dataclass(frozen=True)
class _Path:
    exit: str
    nodes: tuple[str, ...]
    walk_s: float
    resources: tuple[Resource, ...]


def _edge_times(venue: Venue) -> dict[str, list[tuple[str, float, Resource]]]:
    kinds = {a.id: a.kind for a in venue.areas}
    graph: dict[str, list[tuple[str, float, Resource]]] = defaultdict(list)
    for link in venue.links:
        slow = STAIRS_SPEED_FACTOR if "stairs" in (kinds[link.a], kinds[link.b]) else 1.0
        seconds = link.length_m / (venue.walk_speed_mps * slow)
        resource: Resource = ("link", "|".join(sorted((link.a, link.b))))
        graph[link.a].append((link.b, seconds, resource))
        graph[link.b].append((link.a, seconds, resource))
    return graph


def _paths_to_exit(venue: Venue, exit_id: str) -> dict[str, _Path]:
    """Quickest walking path from every area to ``exit_id`` (Dijkstra from the exit)."""
    graph = _edge_times(venue)
    best: dict[str, float] = {exit_id: 0.0}
    towards: dict[str, tuple[str, Resource]] = {}
    heap = [(0.0, exit_id)]
    while heap:
        cost, node = heapq.heappop(heap)
        if cost > best.get(node, float("inf")):
            continue
        for nxt, seconds, resource in graph[node]:
            if cost + seconds < best.get(nxt, float("inf")):
                best[nxt] = cost + seconds
                towards[nxt] = (node, resource)
                heapq.heappush(heap, (cost + seconds, nxt))
    paths: dict[str, _Path] = {}
    for start, walk_s in best.items():
        nodes, resources, node = [start], [], start
        while node != exit_id:
            node, resource = towards[node]
            nodes.append(node)
            resources.append(resource)
        resources.append(("exit", exit_id))
        paths[start] = _Path(exit_id, tuple(nodes), walk_s, tuple(resources))
    return paths


def _capacities(venue: Venue) -> dict[Resource, float]:
    caps: dict[Resource, float] = {}
    for link in venue.links:
        caps[("link", "|".join(sorted((link.a, link.b))))] = link.capacity_pps
    for exit_area in venue.exits:
        caps[("exit", exit_area.id)] = venue.exit_capacity_pps(exit_area)
    return caps


def _occupied(venue: Venue, crowd: Mapping[str, int]) -> list[tuple[str, int]]:
    exits = {e.id for e in venue.exits}
    return [(area, n) for area, n in sorted(crowd.items()) if n > 0 and area not in exits]


def _plan(
    venue: Venue,
    crowd: Mapping[str, int],
    assignment: dict[tuple[str, str], int],
    paths: dict[str, dict[str, _Path]],
) -> EgressPlan:
    caps = _capacities(venue)
    load: dict[Resource, int] = defaultdict(int)
    first_s: dict[Resource, float] = {}
    for (section, exit_id), people in assignment.items():
        if people == 0:
            continue
        path = paths[exit_id][section]
        for resource in path.resources:
            load[resource] += people
            first_s[resource] = min(first_s.get(resource, path.walk_s), path.walk_s)
    # A bottleneck drains from when its first walker arrives; the last person of a route is
    # out when both their own walk and every queue on their path are done.
    drained_s = {r: first_s[r] + load[r] / caps[r] for r in load}
    routes = []
    for (section, exit_id), people in sorted(assignment.items()):
        if people == 0:
            continue
        path = paths[exit_id][section]
        routes.append(
            ExitRoute(
                section=section,
                exit=exit_id,
                path=path.nodes,
                people=people,
                share=people / crowd[section],
                walk_s=path.walk_s,
                est_clear_s=max(path.walk_s, *(drained_s[r] for r in path.resources)),
            )
        )
    worst = max((r.est_clear_s for r in routes), default=0.0)
    return EgressPlan(tuple(routes), worst)


def _all_paths(venue: Venue) -> dict[str, dict[str, _Path]]:
    return {e.id: _paths_to_exit(venue, e.id) for e in venue.exits}


def nearest_exit_plan(venue: Venue, crowd: Mapping[str, int]) -> EgressPlan:
    """Everyone takes the exit with the shortest walk: the baseline most venues get."""
    paths = _all_paths(venue)
    assignment: dict[tuple[str, str], int] = {}
    for section, people in _occupied(venue, crowd):
        nearest = min(paths, key=lambda e: paths[e][section].walk_s)
        assignment[(section, nearest)] = people
    return _plan(venue, crowd, assignment, paths)


def quickest_exit_plan(venue: Venue, crowd: Mapping[str, int], *, chunk: int = 20) -> EgressPlan:
    """Assign crowds chunk by chunk to the exit that clears them soonest, queues included.

    Args:
        venue: The venue graph.
        crowd: People per area (sections, and any other area holding people).
        chunk: People moved per assignment step; smaller is finer and slower.
    """
    paths = _all_paths(venue)
    caps = _capacities(venue)
    load: dict[Resource, int] = defaultdict(int)
    assignment: dict[tuple[str, str], int] = defaultdict(int)
    remaining = dict(_occupied(venue, crowd))
    # Round-robin over sections so that no section claims the best exit for all its people.
    while remaining:
        for section in list(remaining):
            size = min(chunk, remaining[section])

            def clearance(exit_id: str, section: str = section, size: int = size) -> float:
                path = paths[exit_id][section]
                return path.walk_s + max((load[r] + size) / caps[r] for r in path.resources)

            best_exit = min(paths, key=clearance)
            for resource in paths[best_exit][section].resources:
                load[resource] += size
            assignment[(section, best_exit)] += size
            remaining[section] -= size
            if remaining[section] == 0:
                del remaining[section]
    improved = _improve(venue, crowd, dict(assignment), paths, chunk=chunk)
    return _plan(venue, crowd, improved, paths)


def _score(plan: EgressPlan) -> tuple[float, float, float]:
    # First the time the venue is empty; then long walks, squared so that the people sent
    # to a farther exit are those it is least far for (fewer crossing streams); then the
    # person-seconds spent getting out.
    return (
        round(plan.est_evacuation_s, 6),
        round(sum(r.people * r.walk_s**2 for r in plan.routes), 6),
        sum(r.people * r.est_clear_s for r in plan.routes),
    )


def _neighbours(
    assignment: dict[tuple[str, str], int], exits: list[str], chunk: int
) -> list[dict[tuple[str, str], int]]:
    used = [(key, people) for key, people in assignment.items() if people > 0]
    found = []
    for (section, exit_id), people in used:
        moved = min(chunk, people)
        for other in exits:
            if other == exit_id:
                continue
            trial = dict(assignment)
            trial[(section, exit_id)] -= moved
            trial[(section, other)] = trial.get((section, other), 0) + moved
            found.append(trial)
            for (section2, exit2), people2 in used:
                if section2 == section or exit2 != other:
                    continue
                back = min(moved, people2)
                swap = dict(trial)
                swap[(section2, other)] -= back
                swap[(section2, exit_id)] = swap.get((section2, exit_id), 0) + back
                found.append(swap)
    return found


def _improve(
    venue: Venue,
    crowd: Mapping[str, int],
    assignment: dict[tuple[str, str], int],
    paths: dict[str, dict[str, _Path]],
    *,
    chunk: int,
    max_moves: int = 500,
) -> dict[tuple[str, str], int]:
    """Local search after the greedy pass: move chunks between exits while that helps.

    The greedy pass is myopic (the first sections served take the best exit even when a
    later section is better placed to use it). Moving one chunk to another exit, or
    swapping chunks of two sections between their exits, keeping the best move each
    time, fixes that on venue-sized graphs.
    """
    best = _score(_plan(venue, crowd, assignment, paths))
    for _ in range(max_moves):
        best_move: dict[tuple[str, str], int] | None = None
        for trial in _neighbours(assignment, list(paths), chunk):
            score = _score(_plan(venue, crowd, trial, paths))
            if score < best:
                best, best_move = score, trial
        if best_move is None:
            break
        assignment = best_move
    return assignment
