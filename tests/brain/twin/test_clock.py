"""The twin's clock: where a run's readings stand in time; readings restated on a day's clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hostcity.brain.twin.clock import (
    TwinClock,
    clock_note,
    clock_reading,
    restater,
    start_clock,
)
from hostcity.brain.twin.types import DetectorReading

NOW = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
MIDNIGHT = datetime(2026, 11, 27, tzinfo=UTC)


def test_clock_reading_scales_counts_times_and_green() -> None:
    reading = DetectorReading("d", 75.0, 150.0, 3, 12.5, 8.0, green_s=30.0, occupied_now=True)
    clock = clock_reading(reading, 4.0)
    assert (clock.begin_s, clock.end_s, clock.vehicles, clock.green_s) == (300.0, 600.0, 12, 120.0)
    assert (clock.occupancy_pct, clock.mean_speed_mps, clock.occupied_now) == (12.5, 8.0, True)
    assert TwinClock(MIDNIGHT).restate(reading) is reading  # the twin's own pace: unchanged


def test_an_uncompressed_run_starts_now_or_after_the_latest_reading() -> None:
    assert start_clock(100.0, 1.0, now=NOW, floor=None).at(100.0) == NOW
    assert start_clock(100.0, 1.0, now=NOW, floor=NOW - timedelta(hours=1)).at(100.0) == NOW
    later = NOW + timedelta(hours=2)  # an earlier server's twin ran ahead of the wall clock
    assert start_clock(100.0, 1.0, now=NOW, floor=later).at(100.0) == later


@pytest.mark.parametrize(
    ("floor", "epoch"),
    [
        pytest.param(None, MIDNIGHT, id="first-run-today"),
        pytest.param(MIDNIGHT, MIDNIGHT, id="after-history-ending-at-midnight"),
        pytest.param(MIDNIGHT + timedelta(hours=23), MIDNIGHT + timedelta(days=1), id="day-done"),
        pytest.param(MIDNIGHT - timedelta(days=3), MIDNIGHT, id="old-readings"),
        pytest.param(
            MIDNIGHT + timedelta(days=2, hours=5), MIDNIGHT + timedelta(days=2), id="ahead"
        ),
    ],
)
def test_a_compressed_run_is_a_day_that_starts_after_the_latest_reading(
    floor: datetime | None, epoch: datetime
) -> None:
    clock = start_clock(5400.0, 4.0, now=NOW, floor=floor)  # the demo day: 06:00 at 5400 s
    assert clock.epoch == epoch and clock.compression == 4.0
    assert clock.at(5400.0) == epoch + timedelta(hours=6)
    assert floor is None or clock.at(5400.0) >= floor


def test_a_live_read_time_is_restated_on_the_stored_clock() -> None:
    live, day = TwinClock(NOW - timedelta(seconds=5400)), TwinClock(MIDNIGHT, 4.0)
    restate = restater(clock_note(live, day))
    assert restate is not None
    assert restate(live.at(6000.0)) == day.at(6000.0)  # the same simulated second
    assert restater(None) is None
    assert restater({"epoch": "yesterday", "live_epoch": "x", "compression": 4}) is None
