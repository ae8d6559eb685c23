"""Days of recorded history: which demand each day gets, and simulated time as clock time."""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from hostcity.brain.control.demand import DemandProfile
from hostcity.brain.forecast.types import STEP_S
from hostcity.core.errors import InputError

DAY_S = 86_400
MAX_DAYS = 60

# Weekends: no commuter peaks, a slow morning and a busy afternoon.
WEEKEND_SHAPE: tuple[float, ...] = (
    0.12, 0.08, 0.05, 0.04, 0.04, 0.06, 0.12, 0.22, 0.35, 0.50, 0.65, 0.75,
    0.80, 0.80, 0.78, 0.75, 0.72, 0.70, 0.65, 0.55, 0.45, 0.38, 0.30, 0.20,
)  # fmt: skip
WEEKEND_PEAK_SHARE = 0.75
"""A weekend's busiest hour carries this share of a weekday's peak."""
PEAK_SPREAD = 0.08
"""Day-to-day spread (standard deviation, as a share) of the peak flow."""
WEEKDAY_EVENT_CHANCE = 0.4
"""Chance that a weekday has venue sessions; weekends always do."""


@dataclass(frozen=True)
class DayPlan:
    """The demand of one recorded day.

    Attributes:
        day: The calendar day (UTC).
        weekend: Saturday or Sunday.
        event: Whether venue sessions add event peaks.
        profile: The day's demand, with the run's time compression.
    """

    day: date
    weekend: bool
    event: bool
    profile: DemandProfile

    def to_dict(self) -> dict[str, object]:
        """JSON-ready summary."""
        return {
            "day": self.day.isoformat(),
            "weekend": self.weekend,
            "event": self.event,
            "peak_veh_per_h": round(self.profile.peak_veh_per_h, 1),
        }


def check_days(days: int) -> None:
    """Raise when ``days`` is not a whole number of days from 1 to MAX_DAYS.

    Raises:
        InputError: naming the allowed range.
    """
    if not 1 <= days <= MAX_DAYS:
        raise InputError(
            f"--days must be 1 to {MAX_DAYS}, got {days}",
            hint="record at least one day, e.g. --days 2",
        )


def first_day(days: int, end: datetime) -> datetime:
    """Midnight (UTC) that starts ``days`` whole days ending at the midnight on or before ``end``.

    Raises:
        InputError: for a bad number of days.
    """
    check_days(days)
    last = end.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return last - timedelta(days=days)


def plan_days(
    start: date, days: int, *, base: DemandProfile, seed: int, time_compression: float
) -> list[DayPlan]:
    """One demand profile per day: weekday or weekend shape, a varied peak, event days.

    Args:
        start: The first day.
        days: How many days.
        base: The weekday demand (the demo city's); sessions come from here too.
        seed: Seed of the day-to-day variation.
        time_compression: Clock seconds per simulated second in the recording.

    Raises:
        InputError: for a bad number of days or a compression that is not positive.
    """
    check_days(days)
    if time_compression <= 0:
        raise InputError(f"time compression must be > 0, got {time_compression}")
    rng = random.Random(seed)
    plans = []
    for k in range(days):
        day = start + timedelta(days=k)
        weekend = day.weekday() >= 5
        event = weekend or rng.random() < WEEKDAY_EVENT_CHANCE
        variation = max(0.7, min(1.3, rng.gauss(1.0, PEAK_SPREAD)))
        peak = base.peak_veh_per_h * variation * (WEEKEND_PEAK_SHARE if weekend else 1.0)
        profile = dataclasses.replace(
            base,
            peak_veh_per_h=peak,
            shape=WEEKEND_SHAPE if weekend else base.shape,
            sessions=base.sessions if event else (),
            time_compression=time_compression,
        )
        plans.append(DayPlan(day, weekend, event, profile))
    return plans


def reading_interval_s(time_compression: float) -> float:
    """Simulated seconds that stand for one five-minute observation step.

    Raises:
        InputError: unless the step lasts a whole number of simulated seconds (SUMO steps 1 s).
    """
    interval = STEP_S / time_compression if time_compression > 0 else 0.0
    if interval < 1 or not float(interval).is_integer():
        raise InputError(
            f"time compression {time_compression:g} does not divide five minutes into whole "
            "simulated seconds",
            hint="use a divisor of 300 such as 1, 2, 3, 4, 5, 6 or 10",
        )
    return interval
