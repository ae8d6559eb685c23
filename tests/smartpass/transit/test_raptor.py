"""RAPTOR against a plain Dijkstra on random feeds and queries, and on hand-made cases."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from hostcity.smartpass.transit.generator import FeedSpec, random_feed
from hostcity.smartpass.transit.gtfs import parse_feed
from hostcity.smartpass.transit.planner import Network, plan, prepare, walks
from hostcity.smartpass.transit.raptor import DESTINATION, ORIGIN, raptor
from hostcity.smartpass.transit.reference import reference_arrivals
from hostcity.smartpass.transit.timetable import build_patterns
from hostcity.smartpass.transit.types import LatLon, Plan, TripParams
from hostcity.smartpass.transit.walking import StraightLineWalk
from tests.smartpass.transit.builders import corridor_feed

BERLIN = ZoneInfo("Europe/Berlin")


def _check_legs(item: Plan, depart_s: int) -> None:
    """Legs chain up in space and time and count the rides."""
    assert item.legs[0].from_stop == ORIGIN
    assert item.legs[-1].to_stop == DESTINATION
    assert item.legs[0].depart_s >= depart_s
    assert item.legs[-1].arrive_s == item.arrive_s
    assert sum(leg.mode == "ride" for leg in item.legs) == item.rides
    for a, b in zip(item.legs, item.legs[1:], strict=False):
        assert a.to_stop == b.from_stop
        assert a.arrive_s <= b.depart_s
        assert not (a.mode == b.mode == "walk")


def _network(seed: int, **spec: int) -> tuple[Network, FeedSpec]:
    made = FeedSpec(seed=seed, **spec)
    return prepare(parse_feed(random_feed(made)), StraightLineWalk()), made


@pytest.mark.parametrize(
    ("seed", "max_rides"),
    [
        pytest.param(seed, rides, id=f"feed{seed}-rides{rides}")
        for seed, rides in [(1, 5), (2, 5), (3, 2), (4, 5), (5, 3), (6, 5), (7, 1), (8, 5)]
    ],
)
def test_raptor_matches_dijkstra_on_random_stop_queries(seed: int, max_rides: int) -> None:
    net, spec = _network(seed, stops=25, routes=6, trips_per_route=16)
    rng = random.Random(seed)
    for _ in range(40):
        tt = net.timetable(spec.start + timedelta(days=rng.randrange(spec.days)))
        n = len(tt.stops.stop_ids)
        access = [(s, rng.randrange(0, 600)) for s in rng.sample(range(n), 3)]
        egress = {s: rng.randrange(0, 600) for s in rng.sample(range(n), 3)}
        depart_s = rng.randrange(4 * 3600, 25 * 3600)
        direct = rng.choice([None, rng.randrange(600, 7200)])
        change = rng.choice([0, 60, 180])
        plans = raptor(
            tt,
            access,
            egress,
            depart_s,
            max_rides=max_rides,
            min_change_s=change,
            direct_walk_s=direct,
        )
        expected = reference_arrivals(
            tt,
            access,
            egress,
            depart_s,
            max_rides=max_rides,
            min_change_s=change,
            direct_walk_s=direct,
        )
        assert [(p.rides, p.arrive_s) for p in plans] == expected
        for item in plans:
            _check_legs(item, depart_s)


@pytest.mark.parametrize("seed", [pytest.param(s, id=f"feed{s}") for s in (11, 12, 13)])
def test_planner_matches_dijkstra_between_coordinates(seed: int) -> None:
    net, spec = _network(seed, stops=30, routes=7, trips_per_route=14)
    rng = random.Random(seed)
    box = net.area()
    checked = 0
    for _ in range(40):
        points = [
            LatLon(
                rng.uniform(box["min_lat"], box["max_lat"]),
                rng.uniform(box["min_lon"], box["max_lon"]),
            )
            for _ in range(2)
        ]
        depart = datetime.combine(
            spec.start + timedelta(days=rng.randrange(spec.days)), datetime.min.time(), BERLIN
        ) + timedelta(seconds=rng.randrange(5 * 3600, 23 * 3600))
        tt, plans = plan(net, points[0], points[1], depart)
        depart_s = tt.seconds(depart)
        access, egress, direct = walks(net, points[0], points[1])
        expected = reference_arrivals(
            tt,
            access,
            egress,
            depart_s,
            direct_walk_s=direct,
            min_change_s=net.params.min_change_s,
            max_rides=net.params.max_rides,
        )
        assert [(p.rides, p.arrive_s) for p in plans] == expected
        checked += bool(plans)
    assert checked >= 10


def _corridor() -> Network:
    return prepare(
        parse_feed(corridor_feed()),
        StraightLineWalk(),
        TripParams(direct_walk_max_m=0, access_max_m=300),
    )


def test_pareto_set_holds_fewer_transfers_and_earlier_arrival() -> None:
    net = _corridor()
    alpha, delta = LatLon(52.4301, 13.5001), LatLon(52.4301, 13.5451)
    tt, plans = plan(net, alpha, delta, datetime(2026, 2, 10, 8, 50, tzinfo=BERLIN))
    summary = [(p.transfers, tt.at(p.arrive_s).strftime("%H:%M")) for p in plans]
    assert summary == [(0, "09:40"), (1, "09:20")]
    routes = [[leg.route_id for leg in p.legs if leg.mode == "ride"] for p in plans]
    assert routes == [["SLOW"], ["FAST1", "FAST2"]]


def test_too_short_change_is_not_planned() -> None:
    net = prepare(
        parse_feed(corridor_feed()),
        StraightLineWalk(),
        TripParams(direct_walk_max_m=0, access_max_m=300, min_change_s=180),
    )
    _, plans = plan(
        net,
        LatLon(52.4301, 13.5001),
        LatLon(52.4301, 13.5451),
        datetime(2026, 2, 10, 8, 50, tzinfo=BERLIN),
    )
    assert [p.rides for p in plans] == [1]


def test_yesterdays_trip_after_midnight_is_found() -> None:
    net = _corridor()
    tt, plans = plan(
        net,
        LatLon(52.4301, 13.5001),
        LatLon(52.4301, 13.5451),
        datetime(2026, 2, 11, 0, 20, tzinfo=BERLIN),
    )
    assert tt.day == date(2026, 2, 11)
    assert plans
    ride = next(leg for leg in plans[0].legs if leg.mode == "ride")
    assert tt.at(ride.depart_s) == datetime(2026, 2, 11, 0, 30, tzinfo=BERLIN)
    assert ride.trip == "night1@-1"


def test_tomorrows_first_trip_is_found_late_at_night() -> None:
    net = _corridor()
    bravo, delta = LatLon(52.4301, 13.5151), LatLon(52.4301, 13.5451)
    tt, plans = plan(net, bravo, delta, datetime(2026, 2, 10, 23, 55, tzinfo=BERLIN))
    assert tt.day == date(2026, 2, 10)
    ride = next(leg for leg in plans[-1].legs if leg.mode == "ride")
    assert ride.trip == "early1@+1"
    assert tt.at(ride.depart_s) == datetime(2026, 2, 11, 5, 30, tzinfo=BERLIN)


def test_overtaking_trips_get_their_own_pattern() -> None:
    trips = {
        "slow": ("R", ((0, 0, 0), (1, 600, 600), (2, 1200, 1200))),
        "express": ("R", ((0, 60, 60), (1, 300, 300), (2, 500, 500))),
        "later": ("R", ((0, 900, 900), (1, 1500, 1500), (2, 2100, 2100))),
    }
    patterns = build_patterns(trips)
    lanes = sorted(p.trip_ids for p in patterns)
    assert lanes in ([["express", "later"], ["slow"]], [["express"], ["slow", "later"]])
    for pattern in patterns:
        for col in pattern.dep_cols:
            assert col == sorted(col)
