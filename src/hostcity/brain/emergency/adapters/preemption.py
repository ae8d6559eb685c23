"""Applies the planner to live libsumo signals: take over, green wave, hand back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hostcity.brain.emergency.planner import (
    Approach,
    PlanParams,
    green_phase_index,
    should_preempt,
    transition_states,
)


@dataclass
class Hold:
    """A signal taken over for an emergency vehicle."""

    vehicle_id: str
    program_id: str
    phase_index: int
    started_s: float
    states: list[tuple[float, str]]  # (from time s, state) still to show, in order


class Preemptor:
    """Each step, gives green to the emergency vehicles' approaches and hands signals back.

    Args:
        sumo: The ``libsumo`` (or ``traci``) module of a running simulation.
        params: Planner timings.
    """

    def __init__(self, sumo: Any, params: PlanParams | None = None) -> None:
        self._sumo = sumo
        self._params = params or PlanParams()
        self._holds: dict[str, Hold] = {}
        self._given_up: set[tuple[str, str]] = set()
        self.preemptions = 0

    def step(self, vehicle_ids: list[str]) -> None:
        """Update every signal for the emergency vehicles now in the network."""
        now_s = float(self._sumo.simulation.getTime())
        ahead: dict[str, set[str]] = {}
        for vehicle in vehicle_ids:
            speed_mps = float(self._sumo.vehicle.getSpeed(vehicle))
            lane = str(self._sumo.vehicle.getLaneID(vehicle))
            for tls_id, link_index, distance_m, _state in self._sumo.vehicle.getNextTLS(vehicle):
                ahead.setdefault(vehicle, set()).add(tls_id)
                if tls_id in self._holds or (tls_id, vehicle) in self._given_up:
                    continue
                approach = Approach(
                    tls_id,
                    int(link_index),
                    float(distance_m),
                    self._queue(tls_id, int(link_index), lane),
                    str(self._sumo.trafficlight.getRedYellowGreenState(tls_id)),
                )
                if should_preempt(approach, speed_mps, self._params):
                    self._take_over(vehicle, approach, now_s)
        for tls_id, hold in list(self._holds.items()):
            if tls_id not in ahead.get(hold.vehicle_id, set()):
                self._hand_back(tls_id, hold)
            elif now_s - hold.started_s > self._params.max_hold_s:
                self._given_up.add((tls_id, hold.vehicle_id))
                self._hand_back(tls_id, hold)
            else:
                self._advance(tls_id, hold, now_s)

    def _queue(self, tls_id: str, link_index: int, own_lane: str) -> int:
        links = self._sumo.trafficlight.getControlledLinks(tls_id)[link_index]
        lane = links[0][0] if links else own_lane
        return int(self._sumo.lane.getLastStepHaltingNumber(lane))

    def _lane_links(self, tls_id: str, link_index: int) -> list[int]:
        """Indices of every link leaving the incoming lane of ``link_index``."""
        links = self._sumo.trafficlight.getControlledLinks(tls_id)
        if not links[link_index]:
            return []
        lane = links[link_index][0][0]
        return [i for i, per_index in enumerate(links) if per_index and per_index[0][0] == lane]

    def _take_over(self, vehicle: str, approach: Approach, now_s: float) -> None:
        tl = self._sumo.trafficlight
        program_id = str(tl.getProgram(approach.tls_id))
        logic = next(
            (lg for lg in tl.getAllProgramLogics(approach.tls_id) if lg.programID == program_id),
            None,
        )
        if logic is None:
            return  # signal under online control by someone else: leave it alone
        phases = [str(phase.state) for phase in logic.phases]
        if approach.is_green:
            index = int(tl.getPhase(approach.tls_id))
            states = [(now_s, approach.state)]
        else:
            index = green_phase_index(
                phases, approach.link_index, self._lane_links(approach.tls_id, approach.link_index)
            )
            yellow, red = transition_states(approach.state, phases[index])
            p = self._params
            states = [(now_s, yellow), (now_s + p.yellow_s, red)]
            states.append((now_s + p.yellow_s + p.all_red_s, phases[index]))
        self._holds[approach.tls_id] = Hold(vehicle, program_id, index, now_s, states)
        self.preemptions += 1
        self._advance(approach.tls_id, self._holds[approach.tls_id], now_s)

    def _advance(self, tls_id: str, hold: Hold, now_s: float) -> None:
        while hold.states and hold.states[0][0] <= now_s:
            _start, state = hold.states.pop(0)
            self._sumo.trafficlight.setRedYellowGreenState(tls_id, state)

    def _hand_back(self, tls_id: str, hold: Hold) -> None:
        """Back to the normal program, at the phase after the held green to serve the others."""
        tl = self._sumo.trafficlight
        tl.setProgram(tls_id, hold.program_id)
        count = len(
            next(
                lg for lg in tl.getAllProgramLogics(tls_id) if lg.programID == hold.program_id
            ).phases
        )
        tl.setPhase(tls_id, (hold.phase_index + 1) % count)
        del self._holds[tls_id]
