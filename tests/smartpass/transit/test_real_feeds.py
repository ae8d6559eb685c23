"""RAPTOR against the time-expanded Dijkstra, and rides along shapes, on real GTFS feeds.

No wheel on PyPI ships a real feed, and the tests must pass without ``../shared``. So, like
the PostgreSQL storage tests, these run when ``HOSTCITY_TEST_GTFS_FEEDS`` names feed zips
(paths separated by ``os.pathsep``); CI sets it to the shared Cairns and NYC subway feeds.
The summary line says how many ran.
"""

from __future__ import annotations

import os
import random
from datetime import timedelta
from pathlib import Path

import pytest

from hostcity.smartpass.transit.adapters.feedfiles import read_feed_zip
from hostcity.smartpass.transit.gtfs import parse_feed
from hostcity.smartpass.transit.planner import prepare
from hostcity.smartpass.transit.raptor import raptor
from hostcity.smartpass.transit.reference import reference_arrivals
from hostcity.smartpass.transit.shapes import cut
from hostcity.smartpass.transit.types import TripParams
from hostcity.smartpass.transit.walking import StraightLineWalk, path_m

FEEDS_ENV = "HOSTCITY_TEST_GTFS_FEEDS"
QUERIES = 100


def _feeds() -> list[object]:
    paths = [p for p in os.environ.get(FEEDS_ENV, "").split(os.pathsep) if p]
    return [pytest.param(Path(p), id=Path(p).stem) for p in paths]


@pytest.mark.real_feed
@pytest.mark.slow
@pytest.mark.parametrize("feed_path", _feeds())
def test_raptor_matches_dijkstra_on_a_real_feed(feed_path: Path) -> None:
    feed = parse_feed(read_feed_zip(feed_path), name=feed_path.stem)
    net = prepare(feed, StraightLineWalk(), TripParams())
    rng = random.Random(7)
    checked = 0
    for _ in range(QUERIES):
        day = net.first_day + timedelta(days=rng.randrange((net.last_day - net.first_day).days + 1))
        tt = net.timetable(day)
        served = sorted({s for _, times in tt.trips.values() for s, _, _ in times})
        if len(served) < 2:
            continue
        origin, target = rng.sample(served, 2)
        depart_s = rng.randrange(5 * 3600, 22 * 3600)
        access, egress = [(origin, 0)], {target: 0}
        plans = raptor(tt, access, egress, depart_s, max_rides=4, min_change_s=60)
        expected = reference_arrivals(tt, access, egress, depart_s, max_rides=4, min_change_s=60)
        assert [(p.rides, p.arrive_s) for p in plans] == expected
        checked += 1
    assert checked >= QUERIES // 2


@pytest.mark.real_feed
@pytest.mark.parametrize("feed_path", _feeds())
def test_rides_follow_the_real_feeds_shapes(feed_path: Path) -> None:
    feed = parse_feed(read_feed_zip(feed_path), name=feed_path.stem)
    assert feed.shapes, "the shared feeds come with shapes.txt"
    shaped = [t for t in feed.trips.values() if t.shape_id][:200]
    assert shaped
    followed = 0
    for trip in shaped:
        first, last = feed.stop_times[trip.trip_id][0][0], feed.stop_times[trip.trip_id][-1][0]
        a, b = feed.stops[first], feed.stops[last]
        path = cut(feed.shapes[trip.shape_id], (a.lat, a.lon), (b.lat, b.lon)) or [
            [a.lat, a.lon],
            [b.lat, b.lon],
        ]
        along = path_m(path)
        crow = path_m([(a.lat, a.lon), (b.lat, b.lon)])
        assert along >= crow - 1.0
        followed += len(path) > 2 and along <= 4 * crow + 500
    assert followed >= 0.9 * len(shaped)
