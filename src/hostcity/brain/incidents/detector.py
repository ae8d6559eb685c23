"""The incident detector: flow that stops where traffic is expected, checked against neighbours.

Each detector's stream is compared with its normal profile. A run of empty intervals
accumulates the vehicles that *should* have passed (profile rate times the demand its
upstream and same-edge neighbours saw meanwhile); when that exceeds what normal red phases and
gaps explain (learned as ``max_quiet_veh``, times a margin) for at least ``min_intervals``,
an incident is raised. California-style occupancy differences (upstream queue, empty
downstream), speed drops against the profile and a stopped vehicle over the loop add
evidence, confidence and severity. Dismissals make one detector less sensitive.

Where samples carry the signal state (``green_s``), a vehicle standing on the loop counts
only while its approach has green: a queue at red is normal however long, while a loop still
occupied after ``min_green_stuck_s`` of green (beyond what normal traffic showed) holds a
stalled vehicle, unless the same-edge lanes that share its green or the loops downstream stand
too (a queue behind a full exit), which needs ``green_shared_factor`` times more green.
Without ``green_s`` the standing-time rules below apply.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from hostcity.brain.incidents.profile import ProfileBook, is_standing
from hostcity.brain.incidents.types import Alarm, DetectorNode, DetectorProfile, Sample
from hostcity.core.errors import InputError

DISMISS_STEP = 1.5
MAX_DAMPING = 8.0
OCC_DIFF_MIN = 0.2
OCC_REL_DIFF_MIN = 0.5
SPEED_DROP_RATIO = 0.5


@dataclass(frozen=True)
class DetectorConfig:
    """Tuning of the detector.

    Attributes:
        sensitivity: Higher raises sooner (and more often); 1 is the default.
        margin: How far beyond the longest normal quiet run an alarm needs.
        min_quiet_veh: Never raise before this many vehicles went missing (Poisson odds of
            12 missing by chance are 6e-6 an interval).
        min_intervals: Persistence: quiet intervals in a row before raising.
        min_stuck_s: Never call a vehicle on the loop stalled before this long.
        min_passed_beside_veh: Vehicles the other lanes must count past a standing loop
            (at least; more where normal traffic does so) before it is called stalled.
        stuck_alone_factor: Without traffic beside it, standing this many times the longest
            normal standing time is enough...
        min_stuck_alone_s: ...but never less than this (longer than any red light).
        min_context_ratio: Lowest demand factor taken from upstream and neighbours.
        min_green_stuck_s: With the signal state known, green seconds a loop must stand
            occupied through (at least; more where normal traffic did) to hold a stall. The
            vehicle over a loop 10 m before the stop line leaves within about 6 s of green.
        green_shared_factor: How much more green is needed while a peer lane (same edge,
            same green) stands too: both may be waiting behind a full exit.
        downstream_witness: Also need more green while a loop on a lane this one feeds
            stands (the queue ahead may reach back over the exit).
        green_window_buckets: The longest normal green stand is taken over this many
            time-of-day buckets either side too: a queue that stood 40 s of green at 8:10
            yesterday may stand as long at 7:55 today.
    """

    sensitivity: float = 1.0
    margin: float = 1.3
    min_quiet_veh: float = 12.0
    min_intervals: int = 2
    min_stuck_s: float = 20.0
    min_passed_beside_veh: float = 3.0
    stuck_alone_factor: float = 3.0
    min_stuck_alone_s: float = 120.0
    min_context_ratio: float = 0.0
    min_green_stuck_s: float = 10.0
    green_shared_factor: float = 2.0
    downstream_witness: bool = True
    green_window_buckets: int = 1

    def __post_init__(self) -> None:
        if self.sensitivity <= 0:
            raise InputError(f"sensitivity must be > 0, got {self.sensitivity}")
        if (
            self.margin < 1
            or self.min_quiet_veh <= 0
            or self.min_intervals < 1
            or self.green_window_buckets < 0
        ):
            raise InputError(
                "bad detector tuning: need margin >= 1, min_quiet_veh > 0, min_intervals >= 1,"
                " green_window_buckets >= 0"
            )


@dataclass
class _State:
    quiet_start_s: float | None = None
    quiet_veh: float = 0.0
    quiet_intervals: int = 0
    stuck_s: float = 0.0
    stuck_green_s: float = 0.0
    passed_beside_green_veh: float = 0.0
    green_known: bool = False
    peers_standing: bool = False
    passed_beside_veh: float = 0.0
    expected_veh: float = 0.0
    context: list[list[float]] = field(default_factory=lambda: [[0.0, 0.0], [0.0, 0.0]])
    raised: bool = False
    last: Sample | None = None


@dataclass
class IncidentDetector:
    """Streams samples interval by interval and raises alarms.

    Args:
        graph: Every detector with its neighbours, by id.
        profiles: Normal profiles.
        config: Tuning.
        damping: Per-detector sensitivity damping from operator dismissals (1 = none).
    """

    graph: Mapping[str, DetectorNode]
    profiles: ProfileBook
    config: DetectorConfig = field(default_factory=DetectorConfig)
    damping: dict[str, float] = field(default_factory=dict)
    _state: dict[str, _State] = field(default_factory=dict, init=False, repr=False)

    def threshold_veh(self, detector_id: str, profile: DetectorProfile) -> float:
        """Missing vehicles needed to raise an alarm at ``detector_id``."""
        base = max(self.config.min_quiet_veh, self.config.margin * profile.max_quiet_veh)
        return base * self.damping.get(detector_id, 1.0) / self.config.sensitivity

    def stalled(
        self, detector_id: str, profile: DetectorProfile, state: _State, now_s: float | None = None
    ) -> bool:
        """Whether the vehicle standing on ``detector_id``'s loop has stalled."""
        factor = self.damping.get(detector_id, 1.0) / self.config.sensitivity
        if state.green_known:
            return state.stuck_green_s >= self.green_needed_s(detector_id, profile, state, now_s)
        beside_needed = factor * max(
            self.config.min_passed_beside_veh, self.config.margin * profile.max_passed_beside_veh
        )
        if (
            state.stuck_s >= self.config.min_stuck_s * factor
            and state.passed_beside_veh >= beside_needed
        ):
            return True
        alone_s = max(
            self.config.min_stuck_alone_s, self.config.stuck_alone_factor * profile.max_stuck_s
        )
        return state.stuck_s >= alone_s * factor

    def green_needed_s(
        self,
        detector_id: str,
        profile: DetectorProfile,
        state: _State,
        now_s: float | None = None,
    ) -> float:
        """Green seconds ``detector_id``'s loop must stand occupied through to hold a stall.

        The longest normal stand is the one of ``profile`` or, given ``now_s``, of the
        time-of-day buckets within ``green_window_buckets`` of it, whichever is longer.

        (Peers flowing meanwhile are reported as evidence but lower nothing: in the RESCO
        scenarios a vehicle waiting to change lanes stands beside flowing peers too.)
        """
        factor = self.damping.get(detector_id, 1.0) / self.config.sensitivity
        learned = profile.max_stuck_green_s
        if now_s is not None and self.config.green_window_buckets > 0:
            near = self.profiles.nearby(detector_id, now_s, self.config.green_window_buckets)
            learned = max([learned, *(p.max_stuck_green_s for p in near)])
        needed = factor * max(self.config.min_green_stuck_s, self.config.margin * learned)
        return needed * self.config.green_shared_factor if state.peers_standing else needed

    def feedback(self, detector_id: str, *, dismissed: bool) -> float:
        """Learn from an operator: a dismissal damps this detector, a confirmation keeps it.

        Returns:
            The detector's damping factor after the feedback.
        """
        current = self.damping.get(detector_id, 1.0)
        if dismissed:
            current = min(MAX_DAMPING, current * DISMISS_STEP)
            self.damping[detector_id] = current
        return current

    def process(self, samples: Iterable[Sample]) -> list[Alarm]:
        """Take one interval's samples (all detectors) and return the alarms it raises."""
        batch = list(samples)
        for sample in batch:
            self._state.setdefault(sample.detector_id, _State()).last = sample
        alarms: list[Alarm] = []
        for sample in batch:
            alarm = self._update(sample)
            if alarm is not None:
                alarms.append(alarm)
        return alarms

    def _context_ratio(self, node: DetectorNode, state: _State, t_s: float) -> float:
        """Demand against normal over the quiet run, seen upstream (or on the same edge).

        A blockage leaves upstream flow untouched until its queue spills back, so a quiet
        upstream means demand dropped, not an incident. Counting over the whole run, not one
        interval, lets lightly used lanes next door witness too.
        """
        for index, group in enumerate((node.upstream, node.neighbours)):
            for other in group:
                other_state = self._state.get(other)
                profile = self.profiles.get(other, t_s)
                if other_state is None or other_state.last is None or profile is None:
                    continue
                state.context[index][0] += other_state.last.vehicles
                state.context[index][1] += profile.rate_veh_per_s * other_state.last.interval_s
        for seen, expected in state.context:
            if expected >= 1.0:
                # capped at 1: traffic next door above normal is no proof of demand here
                return min(1.0, max(self.config.min_context_ratio, seen / expected))
        return 1.0

    def _update(self, sample: Sample) -> Alarm | None:
        node = self.graph.get(sample.detector_id)
        profile = self.profiles.get(sample.detector_id, sample.end_s)
        state = self._state[sample.detector_id]
        if node is None or profile is None:
            return None
        state.green_known = sample.green_s is not None
        if sample.vehicles > 0:
            state.quiet_start_s, state.quiet_veh, state.quiet_intervals = None, 0.0, 0
            state.stuck_s, state.passed_beside_veh, state.raised = 0.0, 0.0, False
            state.stuck_green_s, state.peers_standing = 0.0, False
            state.passed_beside_green_veh = 0.0
            state.expected_veh, state.context = 0.0, [[0.0, 0.0], [0.0, 0.0]]
            return None
        if state.quiet_start_s is None:
            state.quiet_start_s = sample.end_s - sample.interval_s
        ratio = self._context_ratio(node, state, sample.end_s)
        state.expected_veh += profile.rate_veh_per_s * sample.interval_s
        state.quiet_veh = state.expected_veh * ratio
        state.quiet_intervals += 1
        if is_standing(sample):
            state.stuck_s += sample.interval_s
            state.passed_beside_veh += self._passed_beside(node)
            green_s = sample.green_s or 0.0
            state.stuck_green_s += green_s
            if green_s > 0:
                state.peers_standing = state.peers_standing or self._peer_standing(node)
                state.passed_beside_green_veh += self._passed_beside(node)
        else:
            state.stuck_s, state.passed_beside_veh = 0.0, 0.0
            state.stuck_green_s, state.peers_standing = 0.0, False
            state.passed_beside_green_veh = 0.0
        threshold = self.threshold_veh(sample.detector_id, profile)
        stalled = self.stalled(sample.detector_id, profile, state, sample.end_s)
        if state.raised or state.quiet_intervals < self.config.min_intervals:
            return None
        if state.quiet_veh < threshold and not stalled:
            return None
        state.raised = True
        return self._alarm(node, sample, state, threshold, ratio)

    def _alarm(
        self, node: DetectorNode, sample: Sample, state: _State, threshold: float, ratio: float
    ) -> Alarm:
        evidence: dict[str, object] = {"persistence_intervals": state.quiet_intervals}
        if state.quiet_veh >= threshold:
            evidence["flow_stopped"] = {
                "missing_veh": round(state.quiet_veh, 1),
                "threshold_veh": round(threshold, 1),
                "context_demand_ratio": round(ratio, 2),
            }
        if state.stuck_s > 0:
            evidence["stopped_on_loop"] = {
                "stuck_s": state.stuck_s,
                "passed_beside_veh": state.passed_beside_veh,
            }
        if state.stuck_green_s > 0:
            profile = self.profiles.get(node.detector_id, sample.end_s)
            needed = (
                self.green_needed_s(node.detector_id, profile, state, sample.end_s)
                if profile
                else None
            )
            evidence["stopped_through_green"] = {
                "green_s": state.stuck_green_s,
                "needed_s": None if needed is None else round(needed, 1),
                "peer_lanes_standing": state.peers_standing,
                "passed_beside_in_green_veh": state.passed_beside_green_veh,
            }
        up_occ = self._max_occupancy(node.upstream)
        if (
            up_occ is not None
            and up_occ - sample.occupancy >= OCC_DIFF_MIN
            and (up_occ - sample.occupancy) / max(up_occ, 1e-9) >= OCC_REL_DIFF_MIN
        ):
            evidence["occupancy_upstream_jump"] = {
                "upstream": round(up_occ, 2),
                "here": round(sample.occupancy, 2),
            }
        slow = self._slow_neighbours(node, sample.end_s)
        if slow:
            evidence["speed_drop"] = slow
        quiet_neighbours = [n for n in node.neighbours if self._is_quiet(n)]
        if quiet_neighbours:
            evidence["neighbour_lanes_quiet"] = quiet_neighbours
        extra = len(evidence) - 2  # beyond persistence and the signal that fired
        excess = min(1.0, state.quiet_veh / threshold - 1.0)
        confidence = min(0.99, 0.55 + 0.12 * extra + 0.2 * excess)
        if node.neighbours and len(quiet_neighbours) == len(node.neighbours):
            severity = "severe"
        elif extra >= 1:
            severity = "moderate"
        else:
            severity = "minor"
        return Alarm(
            detector_id=node.detector_id,
            edge_id=node.edge_id,
            lane_id=node.lane_id,
            start_s=state.quiet_start_s if state.quiet_start_s is not None else sample.end_s,
            raised_s=sample.end_s,
            severity=severity,
            confidence=round(confidence, 2),
            evidence=evidence,
        )

    def _passed_beside(self, node: DetectorNode) -> float:
        return sum(s.last.vehicles for n in node.peers if (s := self._state.get(n)) and s.last)

    def _peer_standing(self, node: DetectorNode) -> bool:
        """Whether a lane sharing this one's green stands through it too, or the road ahead
        stands (a queue reaching back from the next junction may block the exit)."""
        peers = any(
            (s := self._state.get(n)) is not None
            and s.last is not None
            and (s.last.green_s or 0.0) > 0
            and is_standing(s.last)
            for n in node.peers
        )
        ahead = any(
            (s := self._state.get(n)) is not None and s.last is not None and is_standing(s.last)
            for n in node.downstream
        )
        return peers or (self.config.downstream_witness and ahead)

    def _max_occupancy(self, ids: Iterable[str]) -> float | None:
        values = [s.last.occupancy for i in ids if (s := self._state.get(i)) and s.last]
        return max(values) if values else None

    def _is_quiet(self, detector_id: str) -> bool:
        state = self._state.get(detector_id)
        return state is not None and state.quiet_intervals > 0

    def _slow_neighbours(self, node: DetectorNode, t_s: float) -> dict[str, float]:
        slow: dict[str, float] = {}
        for other in (*node.upstream, *node.neighbours):
            state, profile = self._state.get(other), self.profiles.get(other, t_s)
            if not state or not state.last or not profile or profile.speed_mps is None:
                continue
            speed = state.last.speed_mps
            if speed is not None and speed < SPEED_DROP_RATIO * profile.speed_mps:
                slow[other] = round(speed, 1)
        return slow

    def clear(self, detector_id: str) -> None:
        """Forget the quiet run of ``detector_id`` (after an incident is cleared)."""
        self._state.pop(detector_id, None)
