"""Evaluation metrics from trip records: delay charged to every due car, travel time, gridlock."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from statistics import fmean
from typing import Any


@dataclass(frozen=True)
class TripRecord:
    """One car that entered the network (a tripinfo line).

    Attributes:
        id: Vehicle id.
        delay_s: Time lost while driving plus time waiting to enter (timeLoss + departDelay).
        duration_s: Time from entering to arriving (or to the end, when still driving).
        arrived: Whether it reached its destination before the end.
    """

    id: str
    delay_s: float
    duration_s: float
    arrived: bool


@dataclass(frozen=True)
class SeedResult:
    """Metrics of one seeded run."""

    seed: int
    mean_delay_s: float
    mean_travel_time_s: float
    arrived: int
    due: int
    never_entered: int
    max_standstill_s: float
    gridlock: bool
    wall_s: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return asdict(self)


def seed_result(
    seed: int,
    records: Iterable[TripRecord],
    scheduled_depart_s: Mapping[str, float],
    end_s: float,
    *,
    begin_s: float = 0.0,
    max_standstill_s: float,
    gridlock_after_s: float,
    wall_s: float = 0.0,
) -> SeedResult:
    """Metrics of one run.

    Args:
        seed: The run's seed.
        records: Every car that entered (including those still driving at the end).
        scheduled_depart_s: Scheduled departure of every car in the demand, by id.
        end_s: End of the evaluated window; cars due before it count.
        begin_s: Start of the window; cars scheduled earlier are never loaded by SUMO.
        max_standstill_s: Longest time any car stood still without moving.
        gridlock_after_s: A standstill this long is a gridlock.
        wall_s: Wall-clock time of the run.

    Returns:
        Mean delay over due cars (those never entered are charged end - scheduled depart),
        mean travel time of arrived cars, counts and the gridlock flag.
    """
    delays: list[float] = []
    durations: list[float] = []
    entered: set[str] = set()
    arrived = 0
    for record in records:
        entered.add(record.id)
        delays.append(record.delay_s)
        if record.arrived:
            arrived += 1
            durations.append(record.duration_s)
    missing = [
        end_s - depart_s
        for vehicle, depart_s in scheduled_depart_s.items()
        if begin_s <= depart_s < end_s and vehicle not in entered
    ]
    delays.extend(missing)
    return SeedResult(
        seed=seed,
        mean_delay_s=round(fmean(delays), 2) if delays else 0.0,
        mean_travel_time_s=round(fmean(durations), 2) if durations else 0.0,
        arrived=arrived,
        due=len(entered) + len(missing),
        never_entered=len(missing),
        max_standstill_s=max_standstill_s,
        gridlock=max_standstill_s >= gridlock_after_s,
        wall_s=round(wall_s, 2),
    )


def summarise(scenario: str, controller: str, results: Sequence[SeedResult]) -> dict[str, Any]:
    """The evaluation report: means over seeds and the per-seed results."""
    ordered = sorted(results, key=lambda r: r.seed)
    return {
        "scenario": scenario,
        "controller": controller,
        "seeds": [r.seed for r in ordered],
        "mean_delay_s": round(fmean(r.mean_delay_s for r in ordered), 2) if ordered else 0.0,
        "mean_travel_time_s": (
            round(fmean(r.mean_travel_time_s for r in ordered), 2) if ordered else 0.0
        ),
        "arrived": round(fmean(r.arrived for r in ordered), 1) if ordered else 0,
        "due": round(fmean(r.due for r in ordered), 1) if ordered else 0,
        "gridlock": any(r.gridlock for r in ordered),
        "per_seed": [r.to_dict() for r in ordered],
    }
