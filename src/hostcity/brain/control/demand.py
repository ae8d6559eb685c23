"""Day-shaped travel demand for the demo city: commuter peaks plus event-day venue peaks."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from hostcity.core.errors import InputError

HOUR_S = 3600.0

# Share of the peak background rate in each clock hour (0-23): morning and evening peaks.
DAY_SHAPE: tuple[float, ...] = (
    0.08, 0.05, 0.04, 0.04, 0.06, 0.15, 0.45, 0.90, 1.00, 0.70, 0.55, 0.55,
    0.60, 0.60, 0.60, 0.70, 0.85, 1.00, 0.90, 0.65, 0.45, 0.35, 0.25, 0.15,
)  # fmt: skip


@dataclass(frozen=True)
class Session:
    """A venue session: spectators arrive before ``start_h`` and leave after ``end_h``.

    Attributes:
        start_h: Clock hour the session starts (14.5 is 14:30).
        end_h: Clock hour it ends.
        spectator_cars: Cars that drive to it (and away after).
    """

    start_h: float
    end_h: float
    spectator_cars: int


@dataclass(frozen=True)
class DemandProfile:
    """How much traffic a day brings, and when.

    Attributes:
        peak_veh_per_h: Background flow into the network at the busiest hour.
        shape: Share of the peak in each clock hour (24 values).
        sessions: Venue sessions that add event peaks.
        arrive_before_h: Spectators arrive within this many hours before a start.
        leave_within_h: And leave within this many hours after an end.
        time_compression: Clock seconds per simulated second (4 makes a day last 6 h);
            flows per simulated hour stay those of the clock hour they stand for.
    """

    peak_veh_per_h: float = 1500.0
    shape: tuple[float, ...] = DAY_SHAPE
    sessions: tuple[Session, ...] = field(
        default_factory=lambda: (Session(14.0, 16.5, 900), Session(19.0, 21.5, 1200))
    )
    arrive_before_h: float = 1.5
    leave_within_h: float = 0.75
    time_compression: float = 4.0

    def sim_s(self, clock_h: float) -> float:
        """Simulated second at which the clock shows ``clock_h`` hours."""
        return clock_h * HOUR_S / self.time_compression

    def clock_h(self, sim_s: float) -> float:
        """Clock hour (0-24, fractional) shown at simulated second ``sim_s``."""
        return sim_s * self.time_compression / HOUR_S


@dataclass(frozen=True)
class Trip:
    """One car trip: when it leaves and between which edges."""

    id: str
    depart_s: float
    from_edge: str
    to_edge: str


def _pick(rng: random.Random, edges: Sequence[str], weights: Sequence[float]) -> str:
    return rng.choices(edges, weights=weights, k=1)[0]


def _poisson(rng: random.Random, mean: float) -> int:
    """Poisson count by summing exponential gaps (means here are small enough)."""
    count, total = 0, rng.expovariate(1.0)
    while total < mean:
        count += 1
        total += rng.expovariate(1.0)
    return count


def make_day_trips(
    edges: Sequence[str],
    weights: Sequence[float],
    venue_edges: Sequence[str],
    profile: DemandProfile,
    *,
    seed: int,
    begin_h: float = 0.0,
    end_h: float = 24.0,
) -> list[Trip]:
    """Trips for one day between ``begin_h`` and ``end_h``, sorted by departure.

    Args:
        edges: Edges where trips may start and end.
        weights: Relative chance of each edge (larger for edges at the network's edge).
        venue_edges: Edges at the venue, where spectators go and leave from.
        profile: Shape and size of the demand.
        seed: Seed of every random draw.
        begin_h: First clock hour to generate.
        end_h: Last clock hour (exclusive).

    Raises:
        InputError: for empty edge lists or mismatched weights.
    """
    if not edges or len(edges) != len(weights) or not venue_edges:
        raise InputError(
            "demand needs edges, one weight per edge, and at least one venue edge",
            hint="check the network has roads open to cars",
        )
    if len(profile.shape) != 24:
        raise InputError(f"the day shape has {len(profile.shape)} values, not 24")
    rng = random.Random(seed)
    departures: list[tuple[float, str, str]] = []
    hour = int(begin_h)
    while hour < end_h:
        mean = profile.peak_veh_per_h * profile.shape[hour % 24] / profile.time_compression
        for _ in range(_poisson(rng, mean)):
            clock = hour + rng.random()
            if begin_h <= clock < end_h:
                origin = _pick(rng, edges, weights)
                destination = _pick(rng, edges, weights)
                if origin != destination:
                    departures.append((profile.sim_s(clock), origin, destination))
        hour += 1
    for session in profile.sessions:
        cars = round(session.spectator_cars / profile.time_compression)
        for _ in range(cars):
            # arrivals build up towards the start, departures peak just after the end
            arrive = rng.triangular(
                session.start_h - profile.arrive_before_h, session.start_h, session.start_h - 0.3
            )
            leave = rng.triangular(
                session.end_h, session.end_h + profile.leave_within_h, session.end_h + 0.1
            )
            venue = rng.choice(list(venue_edges))
            if begin_h <= arrive < end_h:
                departures.append((profile.sim_s(arrive), _pick(rng, edges, weights), venue))
            if begin_h <= leave < end_h:
                departures.append((profile.sim_s(leave), venue, _pick(rng, edges, weights)))
    departures.sort()
    return [
        Trip(f"d{index}", round(depart, 1), origin, destination)
        for index, (depart, origin, destination) in enumerate(departures)
    ]
