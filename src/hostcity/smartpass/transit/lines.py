"""A feed's lines for a map: each route's distinct stop sequences and how many trips run them."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from hostcity.smartpass.transit.types import Feed

HEX_COLOUR = re.compile(r"[0-9A-Fa-f]{6}")


@dataclass(frozen=True)
class LinePattern:
    """One way a route runs: its stops in order (either direction) and its trips (both ways).

    ``shape_id`` is the GTFS shape most of its trips drive along, or ``""``.
    """

    route_id: str
    name: str
    colour: str
    stop_ids: tuple[str, ...]
    trips: int
    shape_id: str = ""


def route_colour(text: str) -> str:
    """A GTFS ``route_color`` as ``#rrggbb``, or ``""`` when absent or malformed."""
    text = text.strip().lstrip("#")
    return f"#{text.lower()}" if HEX_COLOUR.fullmatch(text) else ""


def line_patterns(feed: Feed, limit: int = 300) -> tuple[list[LinePattern], bool]:
    """The feed's stop patterns, busiest first, at most ``limit`` of them.

    A pattern and its reverse are one line on a map, so they count together. Returns the
    patterns and whether some were left out.
    """
    counts: Counter[tuple[str, tuple[str, ...]]] = Counter()
    shapes: dict[tuple[str, tuple[str, ...]], Counter[str]] = {}
    for trip_id, times in feed.stop_times.items():
        trip = feed.trips.get(trip_id)
        if trip is None or len(times) < 2:
            continue
        stops = tuple(stop for stop, _, _ in times)
        key = (trip.route_id, min(stops, stops[::-1]))
        counts[key] += 1
        if trip.shape_id:
            shapes.setdefault(key, Counter())[trip.shape_id] += 1
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    patterns = []
    for key, trips in ordered[:limit]:
        route = feed.routes[key[0]]
        used = shapes.get(key)
        shape_id = used.most_common(1)[0][0] if used else ""
        patterns.append(
            LinePattern(key[0], route.name, route_colour(route.color), key[1], trips, shape_id)
        )
    return patterns, len(ordered) > limit
