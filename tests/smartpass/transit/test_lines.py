"""A feed's lines for the trips map: patterns, their order, colours and the cap."""

from __future__ import annotations

from hostcity.smartpass.transit.lines import line_patterns, route_colour
from hostcity.smartpass.transit.types import Feed, Route, Stop, Trip


def _feed(runs: dict[str, tuple[str, tuple[str, ...]]], colours: dict[str, str]) -> Feed:
    stops = {s: Stop(s, s, 52.0 + i / 100, 13.0) for i, s in enumerate("ABCDE")}
    routes = {r: Route(r, f"line {r}", color=c) for r, c in colours.items()}
    trips = {t: Trip(t, route, "daily") for t, (route, _) in runs.items()}
    stop_times = {
        t: tuple((s, 60 * i, 60 * i) for i, s in enumerate(seq)) for t, (_, seq) in runs.items()
    }
    return Feed("f", "agency", "Europe/Berlin", stops, routes, trips, stop_times, {})


def test_both_directions_are_one_line_and_the_busiest_comes_first() -> None:
    feed = _feed(
        {
            "r1-out": ("R1", ("A", "B", "C")),
            "r1-back": ("R1", ("C", "B", "A")),
            "r1-short": ("R1", ("A", "B")),
            "r2-a": ("R2", ("D", "E")),
        },
        {"R1": "00FF00", "R2": ""},
    )
    patterns, truncated = line_patterns(feed)
    assert not truncated
    assert [(p.route_id, p.stop_ids, p.trips) for p in patterns] == [
        ("R1", ("A", "B", "C"), 2),
        ("R1", ("A", "B"), 1),
        ("R2", ("D", "E"), 1),
    ]
    assert patterns[0].name == "line R1"
    assert patterns[0].colour == "#00ff00"
    assert patterns[2].colour == ""


def test_the_cap_keeps_the_busiest_and_says_so() -> None:
    feed = _feed(
        {"a1": ("R1", ("A", "B")), "a2": ("R1", ("B", "A")), "b": ("R2", ("C", "D"))},
        {"R1": "", "R2": ""},
    )
    patterns, truncated = line_patterns(feed, limit=1)
    assert truncated
    assert [p.route_id for p in patterns] == ["R1"]


def test_a_trip_of_one_stop_draws_nothing() -> None:
    feed = _feed({"lone": ("R1", ("A",))}, {"R1": ""})
    assert line_patterns(feed) == ([], False)


def test_route_colours_are_checked() -> None:
    assert route_colour("1A2b3C") == "#1a2b3c"
    assert route_colour("#ff0000") == "#ff0000"
    assert route_colour("red") == ""
    assert route_colour("12345") == ""
    assert route_colour("") == ""
