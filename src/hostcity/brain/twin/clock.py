"""The twin's clock: the moment each simulated second stands for, and readings restated on it.

A time-compressed scenario (the demo city plays 06:00-24:00 in 4.5 simulated hours) stands for
a day on the clock: one simulated second is ``compression`` clock seconds, and the flow per
simulated hour equals that of the clock hour it stands for. Its stored readings carry the clock
time of that day, so forecasts see the day's hours as the recorded history does.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from hostcity.brain.twin.types import DetectorReading
from hostcity.core.timeutil import as_utc, parse_iso

DAY = timedelta(days=1)


def clock_reading(reading: DetectorReading, compression: float) -> DetectorReading:
    """A loop reading of a time-compressed run, restated in clock time.

    One simulated second stands for ``compression`` clock seconds and flows per simulated hour
    equal those of the clock hour, so a clock window counts ``compression`` times the vehicles
    and the green lasts that much longer; occupancy and speed do not change.
    """
    return dataclasses.replace(
        reading,
        begin_s=reading.begin_s * compression,
        end_s=reading.end_s * compression,
        vehicles=round(reading.vehicles * compression),
        green_s=None if reading.green_s is None else reading.green_s * compression,
    )


@dataclass(frozen=True)
class TwinClock:
    """Simulated seconds on the clock.

    Attributes:
        epoch: The UTC moment simulated second 0 stands for.
        compression: Clock seconds per simulated second (1: the twin's own pace).
    """

    epoch: datetime
    compression: float = 1.0

    def at(self, sim_s: float) -> datetime:
        """The moment simulated second ``sim_s`` stands for."""
        return self.epoch + timedelta(seconds=sim_s * self.compression)

    def restate(self, reading: DetectorReading) -> DetectorReading:
        """``reading`` with its window and counts in clock seconds from ``epoch``."""
        return reading if self.compression == 1.0 else clock_reading(reading, self.compression)


def start_clock(
    begin_s: float, compression: float, *, now: datetime, floor: datetime | None
) -> TwinClock:
    """The clock of a run starting at simulated ``begin_s``, never before ``floor``.

    Args:
        begin_s: The run's first simulated second.
        compression: Clock seconds per simulated second.
        now: The current time.
        floor: End of the twin's latest stored reading (a new run must not overlap it).

    Uncompressed, the run starts now (or at ``floor`` when that is later). Compressed, the run
    is a day: simulated second 0 stands for a UTC midnight, the one of today (or of ``floor``'s
    day), moved a day on until the run begins at or after ``floor``.
    """
    start = max(as_utc(now), as_utc(floor)) if floor is not None else as_utc(now)
    if compression == 1.0:
        return TwinClock(start - timedelta(seconds=begin_s))
    midnight = start.replace(hour=0, minute=0, second=0, microsecond=0)
    clock = TwinClock(midnight, compression)
    while floor is not None and clock.at(begin_s) < as_utc(floor):
        clock = TwinClock(clock.epoch + DAY, compression)
    return clock


def clock_note(live: TwinClock, stored: TwinClock) -> dict[str, Any]:
    """What live reads on their own seconds carry, so listeners can place their times on the
    stored readings' clock (``restater``)."""
    return {
        "live_epoch": live.epoch.isoformat(),
        "epoch": stored.epoch.isoformat(),
        "compression": stored.compression,
    }


def restater(note: Mapping[str, Any] | None) -> Callable[[datetime], datetime] | None:
    """A live read's time restated on the stored readings' clock, from its ``clock_note``;
    None without a note, or with one that cannot be read (the times are kept as they are)."""
    if not note:
        return None
    try:
        live, epoch = parse_iso(str(note["live_epoch"])), parse_iso(str(note["epoch"]))
        compression = float(note["compression"])
    except (KeyError, TypeError, ValueError):
        return None

    def restate(moment: datetime) -> datetime:
        return epoch + (as_utc(moment) - live) * compression

    return restate
