"""Plain data a signal controller sees: a junction's movements, green phases and observed lanes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from hostcity.brain.control.errors import ControllerError

GREEN = frozenset("Gg")
VEHICLE_SPACING_M = 7.5  # jam spacing of a car: length plus gap
NEAR_STOP_LINE_M = 100.0  # about 7 s of driving at 50 km/h: a car there will use a green


@dataclass(frozen=True)
class Link:
    """One controlled connection: from an incoming lane to an outgoing lane."""

    in_lane: str
    out_lane: str


@dataclass(frozen=True)
class GreenPhase:
    """A green stage of a junction's program.

    Attributes:
        state: SUMO signal state, one character per link ('G', 'g', 'r', ...).
        min_green_s: Shortest time the stage may run.
        max_green_s: Longest time it may run while other stages wait.
        fixed_s: Its duration in the junction's own fixed-time program.
    """

    state: str
    min_green_s: float
    max_green_s: float
    fixed_s: float

    @property
    def served(self) -> frozenset[int]:
        """Indexes of the links this stage gives green to."""
        return frozenset(i for i, char in enumerate(self.state) if char in GREEN)


@dataclass(frozen=True)
class TlsInfo:
    """What a controller knows about one signalised junction.

    Attributes:
        id: The traffic light id.
        links: Controlled links by link index (None for a link index without a lane pair).
        greens: The green stages a controller chooses between.
        yellow_s: Yellow time when a stage ends.
        lane_length_m: Length of every incoming and outgoing lane.
    """

    id: str
    links: tuple[Link | None, ...]
    greens: tuple[GreenPhase, ...]
    yellow_s: float = 3.0
    lane_length_m: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.greens:
            raise ControllerError(
                f"traffic light {self.id!r} has no green phase",
                hint="give its program at least one phase with 'G' or 'g'",
            )
        for phase in self.greens:
            if len(phase.state) != len(self.links):
                raise ControllerError(
                    f"traffic light {self.id!r}: phase {phase.state!r} has {len(phase.state)} "
                    f"signals for {len(self.links)} links",
                )

    def served_links(self, phase: int) -> list[Link]:
        """Distinct links given green by stage ``phase``."""
        seen: dict[Link, None] = {}
        for index in sorted(self.greens[phase].served):
            link = self.links[index]
            if link is not None:
                seen.setdefault(link)
        return list(seen)

    @property
    def in_lanes(self) -> tuple[str, ...]:
        """Incoming lanes, each once."""
        return tuple(dict.fromkeys(link.in_lane for link in self.links if link is not None))

    @property
    def out_lanes(self) -> tuple[str, ...]:
        """Outgoing lanes, each once."""
        return tuple(dict.fromkeys(link.out_lane for link in self.links if link is not None))

    def capacity_veh(self, lane: str) -> float:
        """How many cars fit on ``lane`` when jammed (at least one)."""
        return max(1.0, self.lane_length_m.get(lane, 100.0) / VEHICLE_SPACING_M)

    def losing_links(self, from_phase: int, to_phase: int) -> frozenset[int]:
        """Indexes of the links green in ``from_phase`` and not in ``to_phase``."""
        return self.greens[from_phase].served - self.greens[to_phase].served

    def all_red(self, from_phase: int, to_phase: int) -> str:
        """The clearance state after the yellow: links losing green are red, others keep."""
        return self.transition(from_phase, to_phase).replace("y", "r")

    def transition(self, from_phase: int, to_phase: int) -> str:
        """The yellow state between two stages: links losing green turn 'y', others keep."""
        old, new = self.greens[from_phase].state, self.greens[to_phase].state
        chars = []
        for before, after in zip(old, new, strict=True):
            if before in GREEN and after not in GREEN:
                chars.append("y")
            elif before in GREEN:
                chars.append(before)
            else:
                chars.append("r")
        return "".join(chars)


@dataclass(frozen=True)
class LaneState:
    """One lane in the last step: cars standing, cars on it in all, cars near its end.

    ``near_veh`` counts cars within ``NEAR_STOP_LINE_M`` of the stop line (standing or not);
    an observer that cannot tell leaves it at -1 and controllers fall back on the counts.
    """

    queue_veh: float = 0.0
    count_veh: float = 0.0
    near_veh: float = -1.0

    @property
    def near_or_count_veh(self) -> float:
        """Cars near the stop line, or all cars on the lane when that is unknown."""
        return self.near_veh if self.near_veh >= 0 else self.count_veh

    @property
    def moving_veh(self) -> float:
        """Cars on the lane that are not standing."""
        return max(0.0, self.count_veh - self.queue_veh)


@dataclass(frozen=True)
class Observation:
    """What a controller sees at one decision time.

    Attributes:
        time_s: Simulation time.
        phase: The green stage now running (index into ``TlsInfo.greens``).
        time_in_phase_s: How long it has been green.
        lanes: State of incoming and outgoing lanes by lane id (missing lanes are empty).
        since_served_s: Per green stage, seconds since it last ended (0 for the running one).
    """

    time_s: float
    phase: int
    time_in_phase_s: float
    lanes: Mapping[str, LaneState]
    since_served_s: tuple[float, ...] = ()

    def lane(self, lane_id: str) -> LaneState:
        """The state of ``lane_id`` (empty when not observed)."""
        return self.lanes.get(lane_id, EMPTY_LANE)

    def waited_s(self, phase: int) -> float:
        """Seconds since stage ``phase`` was last green."""
        return self.since_served_s[phase] if phase < len(self.since_served_s) else 0.0


EMPTY_LANE = LaneState()


def green_phases(
    states: list[tuple[str, float, float, float]],
    *,
    default_min_s: float = 5.0,
    default_max_s: float = 60.0,
) -> tuple[tuple[GreenPhase, ...], float]:
    """The distinct green stages of a program and its yellow time.

    Args:
        states: Program phases as (state, duration_s, min_dur_s, max_dur_s).
        default_min_s: Min green where the program gives none (or a silly one).
        default_max_s: Max green where the program gives none.

    Returns:
        The green stages, in program order, and the longest yellow (3 s when none).
    """
    greens: dict[str, GreenPhase] = {}
    yellow_s = 0.0
    for state, duration_s, min_s, max_s in states:
        if "y" in state.lower():
            yellow_s = max(yellow_s, duration_s)
            continue
        if not any(char in GREEN for char in state) or state in greens:
            continue
        low = min_s if 0 < min_s < duration_s else default_min_s
        high = max_s if low < max_s < 3600 else default_max_s
        greens[state] = GreenPhase(state, low, max(high, low), duration_s)
    return tuple(greens.values()), (yellow_s or 3.0)
