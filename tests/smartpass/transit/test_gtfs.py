"""GTFS parsing and validation: good feeds parse, bad ones name the file, line and field."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from itertools import pairwise
from pathlib import Path

import pytest

from hostcity.core.errors import InputError
from hostcity.smartpass.transit.adapters.feedfiles import read_feed_zip
from hostcity.smartpass.transit.errors import GtfsError
from hostcity.smartpass.transit.generator import shuttle_feed
from hostcity.smartpass.transit.gtfs import parse_feed, parse_time_s
from hostcity.smartpass.transit.service_days import active_services, service_dates
from hostcity.smartpass.transit.types import Feed
from tests.smartpass.transit.builders import (
    SLOW_SHAPE,
    corridor_feed,
    corridor_feed_with_shapes,
    feed_zip,
    small_feed,
)


def test_generated_feed_round_trips_through_a_zip(tmp_path: Path) -> None:
    files = small_feed(3)
    feed = parse_feed(read_feed_zip(feed_zip(tmp_path, files)))
    assert feed.timezone == "Europe/Berlin"
    assert len(feed.stops) == 25
    assert len(feed.trips) == files["trips.txt"].count("\n") - 1
    for times in feed.stop_times.values():
        assert all(a[2] <= b[1] for a, b in pairwise(times))


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        pytest.param("08:30:00", 30600, id="morning"),
        pytest.param("8:30:05", 30605, id="one-digit-hour"),
        pytest.param("25:10:00", 90600, id="after-midnight"),
    ],
)
def test_parse_time_accepts_gtfs_times(text: str, seconds: int) -> None:
    assert parse_time_s(text) == seconds


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("8h30", id="letters"),
        pytest.param("08:61:00", id="minutes"),
        pytest.param("", id="empty"),
        pytest.param("08:30", id="no-seconds"),
    ],
)
def test_parse_time_rejects_malformed_times(text: str) -> None:
    with pytest.raises(ValueError, match=r"time|range"):
        parse_time_s(text)


def _replace(files: dict[str, str], name: str, old: str, new: str) -> dict[str, str]:
    assert old in files[name], f"{old!r} not in {name}"
    return {**files, name: files[name].replace(old, new, 1)}


BROKEN = [
    pytest.param(
        lambda f: {k: v for k, v in f.items() if k != "stops.txt"},
        "stops.txt",
        "lacks required file",
        id="missing-file",
    ),
    pytest.param(
        lambda f: {k: v for k, v in f.items() if k != "calendar.txt"},
        "calendar",
        "lacks required file",
        id="missing-calendar",
    ),
    pytest.param(
        lambda f: _replace(f, "trips.txt", "SLOW,daily,slow1", "NOPE,daily,slow1"),
        "trips.txt line 2, field route_id",
        "not in routes.txt",
        id="trip-route",
    ),
    pytest.param(
        lambda f: _replace(f, "stop_times.txt", "09:20:00,B,2", "09:20:00,Z,2"),
        "stop_times.txt line 3, field stop_id",
        "'Z'",
        id="stop-time-stop",
    ),
    pytest.param(
        lambda f: _replace(f, "stop_times.txt", "fast1,09:02:00", "ghost,09:02:00"),
        "stop_times.txt line 6, field trip_id",
        "'ghost'",
        id="stop-time-trip",
    ),
    pytest.param(
        lambda f: _replace(f, "trips.txt", "FAST1,daily", "FAST1,sundays"),
        "field service_id",
        "'sundays'",
        id="service-id",
    ),
    pytest.param(
        lambda f: _replace(f, "stop_times.txt", "09:30:00,09:30:00", "9h30,09:30:00"),
        "stop_times.txt line 4, field arrival_time",
        "not a time",
        id="bad-time",
    ),
    pytest.param(
        lambda f: _replace(f, "stop_times.txt", "09:40:00,09:40:00", "09:10:00,09:10:00"),
        "stop_sequence 4",
        "earlier than the previous",
        id="time-goes-back",
    ),
    pytest.param(
        lambda f: _replace(f, "calendar.txt", "20260201", "2026-02-01"),
        "calendar.txt line 2",
        "YYYYMMDD",
        id="bad-date",
    ),
    pytest.param(
        lambda f: _replace(f, "stops.txt", "52.43,13.5\n", "north,13.5\n"),
        "stops.txt line 2",
        "numeric",
        id="bad-coordinate",
    ),
    pytest.param(
        lambda f: _replace(f, "agency.txt", "Europe/Berlin", "Mars/Olympus"),
        "agency.txt line 2, field agency_timezone",
        "Mars",
        id="bad-zone",
    ),
    pytest.param(
        lambda f: _replace(f, "stop_times.txt", "trip_id,", "trip,"),
        "stop_times.txt line 1",
        "trip_id",
        id="missing-column",
    ),
]


BROKEN_SHAPES = [
    pytest.param(
        lambda f: _replace(f, "shapes.txt", "slow-road,52.431,13.5375", "slow-road,north,13.5375"),
        "shapes.txt line 3, field shape_pt_lat",
        "numbers",
        id="shape-point",
    ),
    pytest.param(
        lambda f: _replace(
            f, "shapes.txt", "slow-road,52.431,13.5375", "slow-road,152.431,13.5375"
        ),
        "shapes.txt line 3",
        "not a WGS84 coordinate",
        id="shape-range",
    ),
    pytest.param(
        lambda f: _replace(f, "trips.txt", "slow1,Delta,slow-road", "slow1,Delta,lost-road"),
        "trips.txt line 2, field shape_id",
        "'lost-road', not in shapes.txt",
        id="trip-shape",
    ),
    pytest.param(
        lambda f: _replace(f, "shapes.txt", "shape_pt_sequence", "seq"),
        "shapes.txt line 1",
        "shape_pt_sequence",
        id="shape-column",
    ),
]


@pytest.mark.parametrize(("breaks", "where", "message"), BROKEN_SHAPES)
def test_broken_shapes_name_file_line_and_field(breaks, where: str, message: str) -> None:
    with pytest.raises(GtfsError) as caught:
        parse_feed(breaks(corridor_feed_with_shapes()), name="corridor")
    assert where in (caught.value.where or "") + caught.value.message
    assert message in caught.value.message


def test_shapes_are_read_in_sequence_order_and_trips_name_them() -> None:
    feed = parse_feed(corridor_feed_with_shapes(), name="corridor")
    assert feed.shapes == {"slow-road": tuple(SLOW_SHAPE)}
    assert feed.trips["slow1"].shape_id == "slow-road"
    assert feed.trips["fast1"].shape_id == ""
    assert parse_feed(corridor_feed(), name="corridor").shapes == {}


@pytest.mark.parametrize(("breaks", "where", "message"), BROKEN)
def test_broken_feeds_name_file_line_and_field(breaks, where: str, message: str) -> None:
    files = corridor_feed()
    with pytest.raises(GtfsError) as caught:
        parse_feed(breaks(files), name="corridor")
    assert where in (caught.value.where or "") + caught.value.message
    assert message in caught.value.message
    assert isinstance(caught.value, InputError)


def test_a_file_that_is_not_a_zip_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "feed.zip"
    path.write_text("stop_id\n")
    with pytest.raises(GtfsError, match="not a zip"):
        read_feed_zip(path)


def test_untimed_stops_are_interpolated_by_distance() -> None:
    files = _replace(corridor_feed(), "stop_times.txt", "09:20:00,09:20:00,B", ",,B")
    files = _replace(files, "stop_times.txt", "09:30:00,09:30:00,C", ",,C")
    times = parse_feed(files).stop_times["slow1"]
    assert [t[1] for t in times] == [9 * 3600, 9 * 3600 + 800, 9 * 3600 + 1600, 9 * 3600 + 2400]


def test_untimed_last_stop_is_an_error() -> None:
    files = _replace(corridor_feed(), "stop_times.txt", "09:40:00,09:40:00,D", ",,D")
    with pytest.raises(GtfsError, match="first and last stop"):
        parse_feed(files)


def test_calendar_dates_add_and_remove_service_days() -> None:
    feed = parse_feed(small_feed(1))
    monday, wednesday, saturday = date(2026, 2, 2), date(2026, 2, 4), date(2026, 2, 7)
    assert active_services(feed, monday) == {"weekday"}
    assert active_services(feed, saturday) == {"weekend"}
    assert active_services(feed, wednesday) == {"weekend"}  # the generated holiday
    assert active_services(feed, date(2026, 3, 2)) == set()
    assert service_dates(feed) == (date(2026, 2, 2), date(2026, 2, 15))


def test_shuttles_given_their_drives_have_shapes_and_hops_timed_by_them() -> None:
    line = ("X", (("A", 52.430, 13.500), ("B", 52.430, 13.510), ("C", 52.430, 13.520)))

    def detour(stops: Sequence[tuple[float, float]]) -> list[list[tuple[float, float]]]:
        # each hop swings 1 km north and back: about 2.1 km driven for 0.68 km apart
        return [[a, (a[0] + 0.009, (a[1] + b[1]) / 2), b] for a, b in pairwise(stops)]

    def feed(drive: object) -> Feed:
        files = shuttle_feed(
            [line],
            agency="T",
            timezone="Europe/Berlin",
            start=date(2026, 2, 2),
            days=1,
            drive=drive,  # type: ignore[arg-type]
        )
        return parse_feed(files, name="t")

    straight, driven = feed(None), feed(detour)
    assert straight.shapes == {} and set(driven.shapes) == {"L0D0", "L0D1"}
    assert driven.trips["L0D0N0"].shape_id == "L0D0"
    assert driven.shapes["L0D1"][0] == (52.430, 13.520)  # the way back starts at C

    def hop_s(f: Feed) -> int:
        times = f.stop_times["L0D0N0"]
        return times[1][1] - times[0][2]

    assert hop_s(straight) == 120  # 680 m x 1.3 at 7 m/s, in 30 s steps
    assert 270 <= hop_s(driven) <= 330  # about 2.1 km at 7 m/s
