"""The ``hostcity`` controller: max-pressure made safe (spill-back, fairness) and less wasteful."""

from __future__ import annotations

from dataclasses import dataclass

from hostcity.brain.control.controllers import Controller
from hostcity.brain.control.junction import Link, Observation, TlsInfo


@dataclass(frozen=True)
class HostCityParams:
    """Tuning of the ``hostcity`` controller (see docs/brain-control.md).

    Attributes:
        min_green_s: Floor on every green, whatever the program says.
        max_green_s: Cap on a green while another stage has demand.
        approach_weight: Weight of a moving car against a standing one.
        downstream_weight: Weight of a car on the outgoing lane (textbook max-pressure: 1).
        spill_ratio: An outgoing lane this full (cars / jam capacity) blocks its links.
        spill_room_veh: An outgoing lane with less room than this blocks its links.
        switch_ratio: Another stage must have this many times the pressure of the running
            one (plus ``switch_margin_veh``) to end a green that still has a queue.
        switch_margin_veh: Extra pressure another stage needs to end a green early.
        max_wait_s: A stage with demand that waited this long is served next.
        fairness_weight: Pressure added per second a stage with demand has waited.
        downstream_queue_only: Count only standing cars on outgoing lanes (else all cars).
        idle_break_s: Even with no other demand seen, end a green this long, so that
            give-way movements at unsignalised junctions nearby get a gap.
        clearance_max_s: Longest all-red after a yellow while cars that entered on the old
            stage still stand inside the junction (0: no clearance).
    """

    min_green_s: float = 10.0
    max_green_s: float = 60.0
    approach_weight: float = 1.0
    downstream_weight: float = 0.7
    spill_ratio: float = 0.85
    spill_room_veh: float = 1.5
    switch_margin_veh: float = 1.0
    switch_ratio: float = 1.3
    max_wait_s: float = 120.0
    idle_break_s: float = 90.0
    downstream_queue_only: bool = False
    fairness_weight: float = 0.03
    clearance_max_s: float = 6.0


DEFAULT_PARAMS = HostCityParams()


class HostCityController(Controller):
    """Pressure-based stage choice with spill-back, gap-out, max green and max wait.

    Each stage's score sums, over the incoming lanes it serves, the cars queued plus the
    cars approaching near the stop line, minus the load of the outgoing lanes. Links into a
    nearly full lane count for nothing, so the controller never feeds a spill-back and never
    blocks a junction box. The running green keeps going while it still discharges and no
    other stage beats it by a margin that pays for the yellow; a stage that waited too long
    is served next, whatever the pressures.
    """

    name = "hostcity"
    clears_junction_box = True

    def __init__(self, tls: TlsInfo, params: HostCityParams | None = None) -> None:
        super().__init__(tls)
        self.params = params or DEFAULT_PARAMS
        self._links = [tls.served_links(p) for p in range(len(tls.greens))]
        self._serving: dict[str, list[int]] = {}
        for phase, links in enumerate(self._links):
            for lane in dict.fromkeys(link.in_lane for link in links):
                self._serving.setdefault(lane, []).append(phase)
        self._lane_links: dict[str, int] = {}
        for link in dict.fromkeys(link for link in tls.links if link is not None):
            self._lane_links[link.in_lane] = self._lane_links.get(link.in_lane, 0) + 1

    def _blocked(self, obs: Observation, lane: str) -> bool:
        count = obs.lane(lane).queue_veh
        capacity = self.tls.capacity_veh(lane)
        return (
            count >= self.params.spill_ratio * capacity
            or capacity - count < self.params.spill_room_veh
        )

    def _load(self, obs: Observation, lane: str) -> float:
        state = obs.lane(lane)
        return state.queue_veh if self.params.downstream_queue_only else state.count_veh

    def _demand(self, obs: Observation, lane: str) -> float:
        state = obs.lane(lane)
        moving_near = max(0.0, state.near_or_count_veh - state.queue_veh)
        return state.queue_veh + self.params.approach_weight * moving_near

    def score(self, obs: Observation, phase: int) -> float:
        """Pressure of stage ``phase``: open incoming demand minus outgoing load."""
        by_lane: dict[str, list[Link]] = {}
        for link in self._links[phase]:
            by_lane.setdefault(link.in_lane, []).append(link)
        total = 0.0
        for in_lane, links in by_lane.items():
            open_links = [link for link in links if not self._blocked(obs, link.out_lane)]
            if not open_links:
                continue
            share = len(open_links) / self._lane_links[in_lane]
            downstream = sum(self._load(obs, link.out_lane) for link in open_links) / len(
                open_links
            )
            total += share * self._demand(obs, in_lane) - self.params.downstream_weight * downstream
        return total

    def has_demand(self, obs: Observation, phase: int) -> bool:
        """True when a served lane has a car that could move now."""
        return any(
            obs.lane(link.in_lane).count_veh > 0 and not self._blocked(obs, link.out_lane)
            for link in self._links[phase]
        )

    def discharging(self, obs: Observation, phase: int) -> float:
        """Cars moving near the stop line on lanes stage ``phase`` serves, with room ahead."""
        lanes = {
            link.in_lane for link in self._links[phase] if not self._blocked(obs, link.out_lane)
        }
        return sum(
            max(0.0, obs.lane(lane).near_or_count_veh - obs.lane(lane).queue_veh) for lane in lanes
        )

    def lane_red_s(self, obs: Observation, lane: str) -> float:
        """Seconds since ``lane`` last had a green, from the stages serving it."""
        return min((obs.waited_s(p) for p in self._serving.get(lane, ())), default=0.0)

    def longest_wait_s(self, obs: Observation, phase: int) -> float:
        """Longest red time among lanes with a queue that stage ``phase`` serves."""
        lanes = {link.in_lane for link in self._links[phase]}
        return max(
            (self.lane_red_s(obs, lane) for lane in lanes if obs.lane(lane).queue_veh >= 1),
            default=0.0,
        )

    def hold_all_red(self, box_halting_veh: float, red_s: float) -> bool:
        """Keep the all-red while cars stand in the junction box, up to ``clearance_max_s``.

        A permissive left turner waiting inside the junction when its green ends would
        otherwise meet the next stage's traffic there; in a clustered junction that can lock
        the box for good.
        """
        return box_halting_veh >= 1 and red_s < self.params.clearance_max_s

    def decide(self, obs: Observation) -> int:
        """Keep or change the stage: min green, max wait, max green, then serve queues out."""
        current, elapsed = obs.phase, obs.time_in_phase_s
        stages = range(len(self.tls.greens))
        if elapsed < max(self.params.min_green_s, self.tls.greens[current].min_green_s):
            return current
        waiting = [p for p in stages if p != current and self.has_demand(obs, p)]
        if not waiting:
            if elapsed >= self.params.idle_break_s:
                return self._next(current)  # a gap for give-way traffic no signal here sees
            return current
        waits = {p: self.longest_wait_s(obs, p) for p in waiting}
        overdue = [p for p in waiting if waits[p] >= self.params.max_wait_s]
        if overdue:
            return max(overdue, key=lambda p: waits[p])
        weight = self.params.fairness_weight
        scores = {p: self.score(obs, p) + weight * waits[p] for p in waiting}
        best = max(waiting, key=lambda p: scores[p])
        if elapsed >= self.params.max_green_s:
            return best
        if self.discharging(obs, current) < 1:
            return best if scores[best] > 0 else current
        current_score = self.score(obs, current)
        if scores[best] > self.params.switch_ratio * current_score + self.params.switch_margin_veh:
            return best
        return current
