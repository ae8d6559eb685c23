"""The demo shuttle feed and walking along the demo city's streets (the net eclipse-sumo ships)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from hostcity.core.db import session_scope
from hostcity.core.platform import Platform
from hostcity.core.timeutil import utcnow
from hostcity.smartpass.transit.adapters.drive_shapes import RoadRouter
from hostcity.smartpass.transit.adapters.feedfiles import read_feed_zip
from hostcity.smartpass.transit.adapters.streets import StreetWalk, demo_net_path
from hostcity.smartpass.transit.demo import DEMO_LINES, demo_feed_files
from hostcity.smartpass.transit.gtfs import parse_feed
from hostcity.smartpass.transit.setup import seed_demo_feed
from hostcity.smartpass.transit.types import LatLon
from hostcity.smartpass.transit.walking import crow_m, path_m

ARENA = LatLon(52.43282, 13.51832)
BIG_AIR = LatLon(52.43232, 13.54575)


@pytest.fixture(scope="module")
def streets() -> StreetWalk:
    return StreetWalk(demo_net_path())


def test_street_walks_are_longer_than_the_crow_flies_but_plausible(streets: StreetWalk) -> None:
    stops = np.array([s[1:] for _, places in DEMO_LINES for s in places])
    along = streets.walk_m(ARENA.lat, ARENA.lon, stops[:, 0], stops[:, 1], 5000.0)
    crow = crow_m(ARENA.lat, ARENA.lon, stops[:, 0], stops[:, 1])
    assert np.all(np.isfinite(along))
    assert np.all(along >= crow - 1.0)
    assert np.median(along / np.maximum(crow, 1.0)) < 3.0


def test_street_walks_beyond_the_limit_are_infinite(streets: StreetWalk) -> None:
    far = streets.walk_m(
        ARENA.lat, ARENA.lon, np.array([BIG_AIR.lat]), np.array([BIG_AIR.lon]), 500.0
    )
    assert np.isinf(far[0])


def test_points_off_the_network_walk_straight(streets: StreetWalk) -> None:
    # 2 km south of the network: no junction within the snapping range
    dist = streets.walk_m(52.40, 13.52, np.array([52.401]), np.array([13.52]), 5000.0)
    assert dist[0] == pytest.approx(
        float(crow_m(52.40, 13.52, np.array([52.401]), np.array([13.52]))[0]) * 1.3
    )


def test_demo_feed_is_valid_and_runs_around_today() -> None:
    today = utcnow().date()
    feed = parse_feed(demo_feed_files(today))
    assert feed.timezone == "Europe/Berlin"
    assert len(feed.routes) == len(DEMO_LINES)
    assert all(s.name for s in feed.stops.values())


def test_demo_seeder_makes_journeys_between_venues_work(platform: Platform) -> None:
    lines = seed_demo_feed(platform)
    assert "HostCity Shuttles" in lines[0]
    tomorrow = utcnow().date() + timedelta(days=1)
    depart = datetime.combine(tomorrow, time(10, 0), ZoneInfo("Europe/Berlin"))
    with session_scope(platform.session_factory) as session:
        result = platform.service("transit").journeys(session, ARENA, BIG_AIR, depart)
    assert result["walking"] == "street-network"
    journeys = result["journeys"]
    assert journeys
    assert any(leg["mode"] == "ride" for leg in journeys[-1]["legs"])
    assert journeys[-1]["arrive"] < journeys[0]["arrive"] or len(journeys) == 1


def test_street_path_runs_from_start_to_end_along_junctions(streets: StreetWalk) -> None:
    start, end = (ARENA.lat, ARENA.lon), (BIG_AIR.lat, BIG_AIR.lon)
    points = streets.path(start, end)
    assert points[0] == list(start)
    assert points[-1] == list(end)
    assert len(points) >= 10
    along = streets.walk_m(start[0], start[1], np.array([end[0]]), np.array([end[1]]), 5000.0)
    assert path_m(points) <= along[0] + 1.0


def test_street_lines_cover_the_network_once_each(streets: StreetWalk) -> None:
    lines = streets.street_lines()
    assert len(lines) > 500
    assert all(len(line) >= 2 for line in lines)
    points = np.array([point for line in lines for point in line])
    assert points[:, 0].min() >= streets.lats.min() - 0.01
    assert points[:, 0].max() <= streets.lats.max() + 0.01
    # one line per street, not one per direction
    ends = {tuple(map(tuple, (line[0], line[-1]))) for line in lines}
    assert not any((b, a) in ends for a, b in ends if a != b)


def test_demo_shuttles_drive_along_the_roads_between_their_stops() -> None:
    roads = RoadRouter(demo_net_path())
    routed = total = 0
    for _, places in DEMO_LINES:
        stops = [(lat, lon) for _, lat, lon in places]
        for seq in (stops, stops[::-1]):
            hops = roads.hops(seq)
            assert len(hops) == len(seq) - 1
            for (a, b), hop in zip(pairwise(seq), hops, strict=True):
                assert hop[0] == a and hop[-1] == b
                crow = path_m([a, b])
                # one-way streets and turn bans make some hops long; none is absurd
                assert crow - 1 <= path_m(hop) <= 5 * crow
                routed += len(hop) > 2
                total += 1
    # S3's Adlergestell stop ends a road at the network's edge: leaving it, no road goes on
    assert routed == total - 1


def test_a_stop_off_the_roads_is_reached_in_a_straight_line() -> None:
    roads = RoadRouter(demo_net_path())
    lake = (52.40, 13.60)  # kilometres outside the demo district
    hop = roads.hops([(ARENA.lat, ARENA.lon), lake])[0]
    assert hop == [(ARENA.lat, ARENA.lon), lake]


def test_seeded_demo_feed_times_its_hops_by_the_roads_driven(platform: Platform) -> None:
    seed_demo_feed(platform)
    feed = parse_feed(
        read_feed_zip(platform.settings.data_dir / "transit" / "demo-shuttles.zip"), name="demo"
    )
    assert len(feed.shapes) == 2 * len(DEMO_LINES)  # each line, both ways
    trip = feed.trips["L0D0N0"]
    times = feed.stop_times[trip.trip_id]
    shape = list(feed.shapes[trip.shape_id])
    driven = path_m(shape)
    timed = times[-1][1] - times[0][2] - 30 * (len(times) - 2)  # minus the dwells
    assert driven / 7.0 * 0.8 <= timed <= driven / 7.0 + 30 * len(times)  # 7 m/s, 30 s steps
