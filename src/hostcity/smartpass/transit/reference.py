"""A plain Dijkstra over time-expanded trip events: slow, obviously correct, to check RAPTOR.

Nodes are "at stop s with k rides, arrived on foot or by vehicle", "aboard trip t at its
i-th stop with k rides", and "at the destination with k rides". From a stop one may board
any trip event departing at least ``min_change_s`` later; aboard, one rides to the next
event or gets off; after getting off one may take one footpath. It knows nothing of
patterns, rounds or pruning.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence

from hostcity.smartpass.transit.timetable import Timetable

INF = 1 << 60
# ("S", stop, rides, 1 if by vehicle else 0), ("T", trip, position, rides), ("D", rides, 0, 0)
State = tuple[str, int, int, int]


def reference_arrivals(
    tt: Timetable,
    access: Sequence[tuple[int, int]],
    egress: Mapping[int, int],
    depart_s: int,
    *,
    max_rides: int = 5,
    min_change_s: int = 60,
    direct_walk_s: int | None = None,
) -> list[tuple[int, int]]:
    """The Pareto set as (rides, arrival), fewest rides first, each strictly earlier."""
    trips = [times for _, times in tt.trips.values()]
    boarding: dict[int, list[tuple[int, int, int]]] = {}
    for trip, times in enumerate(trips):
        for pos, (stop, _, dep) in enumerate(times[:-1]):
            boarding.setdefault(stop, []).append((dep, trip, pos))
    best: dict[State, int] = {}
    heap: list[tuple[int, int, State]] = []
    counter = 0

    def push(time: int, state: State) -> None:
        nonlocal counter
        if time < best.get(state, INF):
            best[state] = time
            counter += 1
            heapq.heappush(heap, (time, counter, state))

    if direct_walk_s is not None:
        push(depart_s + direct_walk_s, ("D", 0, 0, 0))
    for stop, walk in access:
        push(depart_s + walk, ("S", stop, 0, 0))
    while heap:
        time, _, state = heapq.heappop(heap)
        if time > best[state]:
            continue
        kind, a, b, c = state
        if kind == "S":
            stop, k, by_vehicle = a, b, c
            if stop in egress:
                push(time + egress[stop], ("D", k, 0, 0))
            if by_vehicle:
                for other, walk in tt.stops.footpaths[stop]:
                    push(time + walk, ("S", other, k, 0))
            if k < max_rides:
                for dep, trip, pos in boarding.get(stop, ()):
                    if dep >= time + min_change_s:
                        push(dep, ("T", trip, pos, k + 1))
        elif kind == "T":
            trip, pos, k = a, b, c
            stop, arr, dep = trips[trip][pos + 1]
            push(arr, ("S", stop, k, 1))
            if pos + 2 < len(trips[trip]):
                push(dep, ("T", trip, pos + 1, k))
    pareto: list[tuple[int, int]] = []
    for k in range(max_rides + 1):
        arrival = best.get(("D", k, 0, 0), INF)
        if arrival < INF and (not pareto or arrival < pareto[-1][1]):
            pareto.append((k, arrival))
    return pareto
