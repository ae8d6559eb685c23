"""Pre-emption planning: when to give green to an emergency vehicle's approach, pure logic."""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from hostcity.brain.emergency.errors import EmergencyInputError

GREEN = "Gg"
RESUME_MODES = ("next", "longest-queue", "interrupted")


@dataclass(frozen=True)
class PlanParams:
    """Timing assumptions of the planner.

    Attributes:
        yellow_s: Yellow of a phase change away from the current movements.
        all_red_s: All-red after the yellow.
        startup_s: Start-up lost time of the first queued vehicle.
        headway_s: Discharge headway of each further queued vehicle.
        margin_s: Safety margin on top of the lead time.
        min_speed_mps: Speed assumed for the ETA when the vehicle is slower (stopped, starting).
        max_hold_s: Longest take-over of one signal for one vehicle, so a stuck vehicle does not
            starve the other movements.
        resume: Where the program resumes once the vehicle has passed: 'next' (the phase
            after the held green), 'longest-queue' (the green phase serving the most halted
            vehicles) or 'interrupted' (the green phase the take-over cut short, so the
            movements it skipped get their turn). The last two go through yellow and all-red.
    """

    yellow_s: float = 3.0
    all_red_s: float = 1.0
    startup_s: float = 2.0
    headway_s: float = 2.0
    margin_s: float = 3.0
    min_speed_mps: float = 8.0
    max_hold_s: float = 60.0
    resume: str = "next"

    def __post_init__(self) -> None:
        if self.resume not in RESUME_MODES:
            raise EmergencyInputError(
                f"unknown resume mode {self.resume!r}",
                hint=f"use one of {', '.join(RESUME_MODES)}",
            )
        values = (self.yellow_s, self.all_red_s, self.startup_s, self.headway_s, self.margin_s)
        if min(values) < 0 or self.min_speed_mps <= 0 or self.max_hold_s <= 0:
            raise EmergencyInputError(
                f"pre-emption timings {self} must not be negative",
                hint="give times >= 0 s, a hold > 0 s and a minimum speed > 0 m/s",
            )


@dataclass(frozen=True)
class Approach:
    """A signal ahead of the emergency vehicle, as seen now.

    Attributes:
        tls_id: The traffic light.
        link_index: Index of the signal link the vehicle will use.
        distance_m: Distance from the vehicle to the stop line.
        queue_veh: Vehicles halted on the vehicle's incoming lane.
        state: Current signal state string of the traffic light.
    """

    tls_id: str
    link_index: int
    distance_m: float
    queue_veh: int
    state: str

    @property
    def is_green(self) -> bool:
        """Whether the vehicle's link is green now."""
        return self.state[self.link_index] in GREEN


def eta_s(distance_m: float, speed_mps: float, params: PlanParams) -> float:
    """Seconds until the vehicle reaches a stop line ``distance_m`` ahead."""
    return max(0.0, distance_m) / max(speed_mps, params.min_speed_mps)


def lead_time_s(queue_veh: int, *, needs_change: bool, params: PlanParams) -> float:
    """How long before arrival the green must start: clearance plus the queue to discharge.

    Args:
        queue_veh: Vehicles halted ahead of the emergency vehicle on its lane.
        needs_change: Whether the signal must change phase (yellow and all-red first).
        params: Timing assumptions.
    """
    clearance = params.yellow_s + params.all_red_s if needs_change else 0.0
    discharge = params.startup_s + params.headway_s * max(0, queue_veh) if queue_veh else 0.0
    return clearance + discharge + params.margin_s


def should_preempt(approach: Approach, speed_mps: float, params: PlanParams) -> bool:
    """Whether the signal of ``approach`` must be taken over now for the vehicle to pass on green.

    A green that is showing already is also held, so it does not end just before the vehicle.
    """
    lead = lead_time_s(approach.queue_veh, needs_change=not approach.is_green, params=params)
    return eta_s(approach.distance_m, speed_mps, params) <= lead


def next_passes(upcoming: Iterable[tuple[str, int, float]]) -> dict[str, tuple[int, float]]:
    """The next pass of the vehicle at each signal ahead: ``{tls: (link_index, distance_m)}``.

    A route may cross one signal twice on different links; only the nearer pass counts now, so
    the signal is not held for a link the vehicle will use only later.

    Args:
        upcoming: ``(tls_id, link_index, distance_m)`` of the signals ahead, nearest first.
    """
    passes: dict[str, tuple[int, float]] = {}
    for tls_id, link_index, distance_m in upcoming:
        if tls_id not in passes or distance_m < passes[tls_id][1]:
            passes[tls_id] = (link_index, distance_m)
    return passes


def green_phase_index(
    phase_states: Sequence[str], link_index: int, lane_links: Sequence[int] = ()
) -> int:
    """The program phase that best serves ``link_index``.

    Preferred is green for the links the vehicles queued ahead on the lane will take (they
    must clear the lane, or the emergency vehicle waits behind them on a green of its own),
    then a protected green, then the most greens.

    Args:
        phase_states: Signal states of the program's phases.
        link_index: The emergency vehicle's link.
        lane_links: Links the vehicles ahead on the vehicle's incoming lane will take.

    Raises:
        EmergencyInputError: when no phase of the program gives that link green.
    """
    best: tuple[int, int, int, int] | None = None
    for index, state in enumerate(phase_states):
        if link_index >= len(state) or state[link_index] not in GREEN:
            continue
        lane_green = sum(i < len(state) and state[i] in GREEN for i in lane_links)
        score = (lane_green, int(state[link_index] == "G"), sum(c in GREEN for c in state), -index)
        if best is None or score > best:
            best = score
    if best is None:
        raise EmergencyInputError(
            f"no phase of the program gives link {link_index} green",
            hint="check the traffic light program serves every approach",
        )
    return -best[3]


def resume_phase_index(
    phase_states: Sequence[str],
    link_lanes: Sequence[str],
    lane_queues: Mapping[str, int],
    *,
    held_index: int,
) -> int:
    """The green phase to resume the program at once the emergency vehicle has passed.

    The phase whose green serves the most halted vehicles wins (each incoming lane counted
    once); ties go to the first such phase in cycle order after the held one. The held phase
    itself comes last, as its movements have just been served.

    Args:
        phase_states: Signal states of the program's phases.
        link_lanes: Incoming lane of each signal link ('' where the link has none).
        lane_queues: Halted vehicles per incoming lane.
        held_index: The phase the vehicle passed on (its green was held).
    """
    count = len(phase_states)
    best: tuple[int, int] | None = None
    best_index = (held_index + 1) % count if count else 0
    for step in range(1, count + 1):
        index = (held_index + step) % count
        state = phase_states[index]
        if "y" in state.lower() or not any(c in GREEN for c in state):
            continue  # only green phases; their yellows are transitions
        lanes = {lane for c, lane in zip(state, link_lanes, strict=False) if c in GREEN and lane}
        queued = sum(lane_queues.get(lane, 0) for lane in lanes)
        score = (int(index != held_index), queued)
        if best is None or score > best:
            best, best_index = score, index
    return best_index


def interrupted_phase_index(
    phase_states: Sequence[str], interrupted_index: int, *, held_index: int
) -> int:
    """The green phase to resume at so the phase cut short by a take-over gets its turn.

    A take-over during a yellow or all-red phase cut short nothing: the next green counts.
    When that is the held phase itself, the phase after it follows as usual.

    Args:
        phase_states: Signal states of the program's phases.
        interrupted_index: The program's phase when the signal was taken over.
        held_index: The phase the vehicle passed on.
    """
    count = len(phase_states)
    for step in range(count):
        index = (interrupted_index + step) % count
        state = phase_states[index]
        if "y" not in state.lower() and any(c in GREEN for c in state):
            return index if index != held_index else (held_index + 1) % count
    return (held_index + 1) % count


def transition_states(current: str, target: str) -> tuple[str, str]:
    """Yellow and all-red states leading from ``current`` to ``target``.

    Links green now that stay green in the target keep their green; links that lose it show
    yellow, then red; links that gain green wait on red until the target shows.

    Raises:
        EmergencyInputError: when the two states have different lengths.
    """
    if len(current) != len(target):
        raise EmergencyInputError(
            f"signal states {current!r} and {target!r} differ in length",
            hint="both must come from the same traffic light",
        )
    yellow = "".join(
        c if c in GREEN and t in GREEN else "y" if c in GREEN else "r" if t in GREEN else c
        for c, t in zip(current, target, strict=True)
    )
    red = "".join("r" if c == "y" else c for c in yellow)
    return yellow, red


def pick_far_pairs(
    edges: Sequence[tuple[str, float, float]],
    count: int,
    *,
    seed: int,
    min_share: float = 0.5,
    minimum: int | None = None,
) -> list[tuple[str, str]]:
    """Random (origin, destination) edge pairs at least ``min_share`` of the network span apart.

    Args:
        edges: ``(edge_id, x_m, y_m)`` of the candidate edges.
        count: Pairs wanted.
        seed: Seed of the random choice, so runs with and without pre-emption match.
        min_share: Minimum straight-line distance, as a share of the network's diagonal.
        minimum: Fewest pairs accepted (default ``count``).

    Raises:
        EmergencyInputError: for fewer than two edges or a count below one.
    """
    if count < 1:
        raise EmergencyInputError(f"{count} trips asked for", hint="ask for at least one trip")
    if len(edges) < 2:
        raise EmergencyInputError(
            "the network has fewer than two edges an emergency vehicle may use",
            hint="use a larger scenario",
        )
    rng = random.Random(seed)
    xs, ys = [e[1] for e in edges], [e[2] for e in edges]
    span_m = math.hypot(max(xs) - min(xs), max(ys) - min(ys))
    pool = list(edges)
    pairs: list[tuple[str, str]] = []
    for _ in range(count * 200):
        origin, destination = rng.sample(pool, 2)
        if math.dist(origin[1:], destination[1:]) >= min_share * span_m:
            pairs.append((origin[0], destination[0]))
            if len(pairs) == count:
                return pairs
    if len(pairs) < (count if minimum is None else minimum):
        raise EmergencyInputError(
            f"found only {len(pairs)} of {count} edge pairs far enough apart",
            hint="lower the number of trips",
        )
    return pairs


def reduction(before: float, after: float) -> float:
    """Relative change from ``before`` to ``after`` (negative means shorter), 0 if undefined."""
    return (after - before) / before if before > 0 else 0.0
