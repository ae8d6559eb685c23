"""RAPTOR (Delling, Pajor, Werneck 2012): earliest arrival per number of rides, with legs.

Round k finds, for every stop, the earliest arrival using at most k rides. Each round scans
the route patterns that serve stops improved in the previous round, then relaxes one
footpath from every stop reached by a ride. The best arrival at the destination after each
round gives the Pareto set over (arrival time, number of rides).

Footpaths here link stops within a radius, so they are not transitively closed: a stop
reached on foot may not be left on foot again. A ride that reaches a stop later than its
best label may still open a footpath nothing else reaches, so rides keep their own best
arrival per stop (``best_ride``) besides the usual one; this is what keeps the results
equal to the exhaustive search in ``reference.py``.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping, Sequence

from hostcity.smartpass.transit.timetable import Timetable
from hostcity.smartpass.transit.types import Leg, Plan

INF = 1 << 60
ORIGIN = -1
DESTINATION = -2

# a parent is ("access", walk_s, 0, 0, 0), ("ride", pattern, trip, board_pos, alight_pos),
# or ("walk", from_stop, walk_s, 0, 0): a footpath from a stop a ride reached in the same round
Parent = tuple[str, int, int, int, int]


def raptor(
    tt: Timetable,
    access: Sequence[tuple[int, int]],
    egress: Mapping[int, int],
    depart_s: int,
    *,
    max_rides: int = 5,
    min_change_s: int = 60,
    direct_walk_s: int | None = None,
) -> list[Plan]:
    """Journeys from the origin to the destination, Pareto-optimal in (arrival, rides).

    Args:
        tt: The day's timetable.
        access: (stop, walk seconds) from the origin to nearby stops.
        egress: stop -> walk seconds from that stop to the destination.
        depart_s: Departure, seconds after the day's origin.
        max_rides: Most vehicles in one journey (rounds).
        min_change_s: Time to be at a stop before the vehicle departs.
        direct_walk_s: Seconds to walk all the way, when that is allowed.

    Returns:
        Plans sorted by rides, each arriving strictly earlier than the one before.
    """
    n = len(tt.stops.stop_ids)
    patterns = tt.patterns
    routes_of_stop = tt.routes_of_stop
    footpaths = tt.stops.footpaths
    best = [INF] * n
    best_ride = [INF] * n
    tau = [INF] * n
    parents: list[dict[int, Parent]] = [{}]
    ride_parents: list[dict[int, Parent]] = [{}]
    target = INF if direct_walk_s is None else depart_s + direct_walk_s
    results: list[tuple[int, int, int]] = []  # (round, arrival, egress stop or -1 for walking)
    if direct_walk_s is not None:
        results.append((0, target, ORIGIN))
    marked: set[int] = set()
    for stop, walk in access:
        arrive = depart_s + walk
        if arrive < tau[stop]:
            tau[stop] = best[stop] = arrive
            parents[0][stop] = ("access", walk, 0, 0, 0)
            marked.add(stop)
    for stop, walk_out in egress.items():
        if tau[stop] + walk_out < target:  # walking via a stop, without riding
            target = tau[stop] + walk_out
            results[:] = [(0, target, stop)]
    for k in range(1, max_rides + 1):
        if not marked:
            break
        prev = tau
        tau = prev[:]
        parent_k: dict[int, Parent] = {}
        ride_k: dict[int, Parent] = {}
        parents.append(parent_k)
        ride_parents.append(ride_k)
        queue: dict[int, int] = {}
        for stop in marked:
            for p, pos in routes_of_stop[stop]:
                if pos < queue.get(p, INF):
                    queue[p] = pos
        marked = set()
        rode: list[tuple[int, int]] = []
        for p, start in queue.items():
            pattern = patterns[p]
            stops = pattern.stops
            dep_cols = pattern.dep_cols
            arr_rows = pattern.arr_rows
            trip = -1
            row: list[int] = []
            board = 0
            for pos in range(start, len(stops)):
                stop = stops[pos]
                if trip >= 0:
                    arrive = row[pos]
                    if arrive < best_ride[stop] and arrive < target:
                        best_ride[stop] = arrive
                        ride_k[stop] = ("ride", p, trip, board, pos)
                        rode.append((stop, arrive))
                        if arrive < best[stop]:
                            best[stop] = tau[stop] = arrive
                            parent_k[stop] = ride_k[stop]
                            marked.add(stop)
                            if stop in egress and arrive + egress[stop] < target:
                                target = arrive + egress[stop]
                ready = prev[stop]
                if ready < INF:
                    col = dep_cols[pos]
                    limit = trip if trip >= 0 else len(col)
                    j = bisect_left(col, ready + min_change_s, 0, limit)
                    if j < limit:
                        trip = j
                        row = arr_rows[j]
                        board = pos
        for stop, arrive in rode:
            if best_ride[stop] != arrive:
                continue  # a later scan in this round reached the stop earlier
            for other, walk in footpaths[stop]:
                reach = arrive + walk
                if reach < best[other] and reach < target:
                    best[other] = tau[other] = reach
                    parent_k[other] = ("walk", stop, walk, 0, 0)
                    marked.add(other)
        round_best = INF
        round_stop = ORIGIN
        for stop, walk_out in egress.items():
            if tau[stop] + walk_out < round_best:
                round_best, round_stop = tau[stop] + walk_out, stop
        if round_best < INF and (not results or round_best < results[-1][1]):
            results.append((k, round_best, round_stop))
        target = min(target, round_best)
    return [
        _plan(
            tt,
            parents=parents,
            ride_parents=ride_parents,
            egress=egress,
            depart_s=depart_s,
            min_change_s=min_change_s,
            result=result,
        )
        for result in results
    ]


def _label_parent(parents: list[dict[int, Parent]], k: int, stop: int) -> tuple[int, Parent]:
    """The parent of the stop's label in round k: the one set in the latest round <= k."""
    for r in range(k, -1, -1):
        found = parents[r].get(stop)
        if found is not None:
            return r, found
    raise AssertionError(f"stop {stop} has no label up to round {k}")


def _plan(
    tt: Timetable,
    *,
    parents: list[dict[int, Parent]],
    ride_parents: list[dict[int, Parent]],
    egress: Mapping[int, int],
    depart_s: int,
    min_change_s: int,
    result: tuple[int, int, int],
) -> Plan:
    """Walk the parents back from the destination and build the legs."""
    k, arrive, stop = result
    if stop == ORIGIN:
        return Plan(arrive, 0, (Leg("walk", ORIGIN, DESTINATION, depart_s, arrive),))
    legs = [Leg("walk", stop, DESTINATION, arrive - egress[stop], arrive)]
    rides = 0
    while True:
        r, (kind, a, b, c, d) = _label_parent(parents, k, stop)
        if kind == "access":
            # leave as late as the first vehicle allows, rather than wait at the stop
            reach = depart_s + a
            if legs[-1].mode == "ride":
                reach = max(reach, legs[-1].depart_s - min_change_s)
            legs.append(Leg("walk", ORIGIN, stop, reach - a, reach))
            break
        if kind == "walk":
            from_stop = a
            label = tt_arrival(tt, ride_parents[r][from_stop]) + b
            legs.append(Leg("walk", from_stop, stop, label - b, label))
            stop = from_stop
            kind, a, b, c, d = ride_parents[r][from_stop]
        pattern = tt.patterns[a]
        legs.append(
            Leg(
                "ride",
                pattern.stops[c],
                stop,
                pattern.dep_rows[b][c],
                pattern.arr_rows[b][d],
                pattern.trip_ids[b],
                pattern.route_id,
            )
        )
        rides += 1
        stop = pattern.stops[c]
        k = r - 1
    legs.reverse()
    return Plan(arrive, rides, tuple(_merge_walks(legs)))


def tt_arrival(tt: Timetable, parent: Parent) -> int:
    """Arrival time of a ride parent."""
    _, p, trip, _, alight = parent
    return tt.patterns[p].arr_rows[trip][alight]


def _merge_walks(legs: list[Leg]) -> list[Leg]:
    """Join a footpath and the walk after it into one walking leg."""
    merged: list[Leg] = []
    for leg in legs:
        if merged and leg.mode == "walk" and merged[-1].mode == "walk":
            last = merged.pop()
            merged.append(Leg("walk", last.from_stop, leg.to_stop, last.depart_s, leg.arrive_s))
        else:
            merged.append(leg)
    return merged
