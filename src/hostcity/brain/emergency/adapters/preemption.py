"""Applies the planner to live libsumo signals: take over, green wave, hand back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hostcity.brain.emergency.planner import (
    Approach,
    PlanParams,
    green_phase_index,
    interrupted_phase_index,
    next_passes,
    resume_phase_index,
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
    link_index: int = -1  # the vehicle's link; -1: any link of the signal
    interrupted_index: int = -1  # the program's phase at the take-over; -1: unknown


@dataclass(frozen=True)
class Release:
    """A signal going back to its program through yellow and all-red."""

    program_id: str
    phase_index: int
    at_s: float  # when the program takes over again
    states: tuple[tuple[float, str], ...]  # (from time s, state) to show before


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
        self._given_up: set[tuple[str, str, int]] = set()
        self._releases: dict[str, Release] = {}
        self.preemptions = 0

    def step(self, vehicle_ids: list[str]) -> None:
        """Update every signal for the emergency vehicles now in the network."""
        now_s = float(self._sumo.simulation.getTime())
        passes = {
            vehicle: next_passes(
                (str(t), int(i), float(d)) for t, i, d, _s in self._sumo.vehicle.getNextTLS(vehicle)
            )
            for vehicle in vehicle_ids
        }
        self._release_due(now_s)
        # hand back first: a route may cross the same signal again on another link
        for tls_id, hold in list(self._holds.items()):
            upcoming = passes.get(hold.vehicle_id, {}).get(tls_id)
            if upcoming is None or hold.link_index not in (-1, upcoming[0]):
                self._hand_back(tls_id, hold)
            elif now_s - hold.started_s > self._params.max_hold_s:
                self._given_up.add((tls_id, hold.vehicle_id, hold.link_index))
                self._hand_back(tls_id, hold)
            else:
                self._advance(tls_id, hold, now_s)
        for vehicle, ahead in passes.items():
            speed_mps = float(self._sumo.vehicle.getSpeed(vehicle))
            lane = str(self._sumo.vehicle.getLaneID(vehicle))
            for tls_id, (link_index, distance_m) in ahead.items():
                if tls_id in self._holds or (tls_id, vehicle, link_index) in self._given_up:
                    continue
                approach = Approach(
                    tls_id,
                    link_index,
                    distance_m,
                    self._queue(tls_id, link_index, lane),
                    str(self._sumo.trafficlight.getRedYellowGreenState(tls_id)),
                )
                if should_preempt(approach, speed_mps, self._params):
                    self._take_over(vehicle, approach, now_s)
                    if tls_id in self._holds:
                        self._holds[tls_id].link_index = link_index

    def _queue(self, tls_id: str, link_index: int, own_lane: str) -> int:
        links = self._sumo.trafficlight.getControlledLinks(tls_id)[link_index]
        lane = links[0][0] if links else own_lane
        return int(self._sumo.lane.getLastStepHaltingNumber(lane))

    def _lane_links(self, tls_id: str, link_index: int, vehicle: str | None = None) -> list[int]:
        """Links that the vehicles ahead on the incoming lane of ``link_index`` will take.

        Args:
            tls_id: The signal.
            link_index: The emergency vehicle's link.
            vehicle: The emergency vehicle; only those ahead of it count when it is on that
                lane already (all on the lane otherwise).
        """
        links = self._sumo.trafficlight.getControlledLinks(tls_id)
        if not links[link_index]:
            return []
        lane = links[link_index][0][0]
        own_m = -1.0
        if vehicle is not None and self._sumo.vehicle.getLaneID(vehicle) == lane:
            own_m = float(self._sumo.vehicle.getLanePosition(vehicle))
        used: set[int] = set()
        for other in self._sumo.lane.getLastStepVehicleIDs(lane):
            if other == vehicle or float(self._sumo.vehicle.getLanePosition(other)) <= own_m:
                continue
            passes = next_passes(
                (str(t), int(i), float(d)) for t, i, d, _s in self._sumo.vehicle.getNextTLS(other)
            )
            if tls_id in passes:
                used.add(passes[tls_id][0])
        return sorted(used)

    def _take_over(self, vehicle: str, approach: Approach, now_s: float) -> None:
        tl = self._sumo.trafficlight
        release = self._releases.pop(approach.tls_id, None)  # a release shows no program
        program_id = release.program_id if release else str(tl.getProgram(approach.tls_id))
        logic = next(
            (lg for lg in tl.getAllProgramLogics(approach.tls_id) if lg.programID == program_id),
            None,
        )
        if logic is None:
            return  # signal under online control by someone else: leave it alone
        phases = [str(phase.state) for phase in logic.phases]
        interrupted = -1 if release else int(tl.getPhase(approach.tls_id))
        if approach.is_green and release is None:
            index = interrupted
            states = [(now_s, approach.state)]
        else:
            index = green_phase_index(
                phases,
                approach.link_index,
                self._lane_links(approach.tls_id, approach.link_index, vehicle),
            )
            yellow, red = transition_states(approach.state, phases[index])
            p = self._params
            states = [(now_s, yellow), (now_s + p.yellow_s, red)]
            states.append((now_s + p.yellow_s + p.all_red_s, phases[index]))
        self._holds[approach.tls_id] = Hold(
            vehicle, program_id, index, now_s, states, interrupted_index=interrupted
        )
        self.preemptions += 1
        self._advance(approach.tls_id, self._holds[approach.tls_id], now_s)

    def _advance(self, tls_id: str, hold: Hold, now_s: float) -> None:
        while hold.states and hold.states[0][0] <= now_s:
            _start, state = hold.states.pop(0)
            self._sumo.trafficlight.setRedYellowGreenState(tls_id, state)

    def _hand_back(self, tls_id: str, hold: Hold) -> None:
        """Back to the normal program, at the phase that serves the others best."""
        del self._holds[tls_id]
        tl = self._sumo.trafficlight
        logic = next(lg for lg in tl.getAllProgramLogics(tls_id) if lg.programID == hold.program_id)
        phases = [str(phase.state) for phase in logic.phases]
        target = self._resume_target(tls_id, hold, phases)
        shown = str(tl.getRedYellowGreenState(tls_id))
        yellow, red = transition_states(shown, phases[target])
        if target == (hold.phase_index + 1) % len(phases) or yellow == shown:
            tl.setProgram(tls_id, hold.program_id)
            tl.setPhase(tls_id, target)  # the program's own yellow, or no green is lost
            return
        now_s = float(self._sumo.simulation.getTime())
        p = self._params
        states = ((now_s, yellow), (now_s + p.yellow_s, red))
        self._releases[tls_id] = Release(
            hold.program_id, target, now_s + p.yellow_s + p.all_red_s, states
        )
        tl.setRedYellowGreenState(tls_id, yellow)

    def _resume_target(self, tls_id: str, hold: Hold, phases: list[str]) -> int:
        """The program phase to resume at, by ``PlanParams.resume``."""
        if self._params.resume == "longest-queue":
            links = self._sumo.trafficlight.getControlledLinks(tls_id)
            lanes = [str(per_index[0][0]) if per_index else "" for per_index in links]
            queues = {
                lane: int(self._sumo.lane.getLastStepHaltingNumber(lane))
                for lane in set(lanes)
                if lane
            }
            return resume_phase_index(phases, lanes, queues, held_index=hold.phase_index)
        if self._params.resume == "interrupted" and hold.interrupted_index >= 0:
            return interrupted_phase_index(
                phases, hold.interrupted_index, held_index=hold.phase_index
            )
        return (hold.phase_index + 1) % len(phases)

    def _release_due(self, now_s: float) -> None:
        """Show the release transitions, and hand the signals whose transition ended back."""
        tl = self._sumo.trafficlight
        for tls_id, release in list(self._releases.items()):
            if now_s >= release.at_s:
                del self._releases[tls_id]
                tl.setProgram(tls_id, release.program_id)
                tl.setPhase(tls_id, release.phase_index)
                continue
            shown = [state for start, state in release.states if start <= now_s]
            if shown:
                tl.setRedYellowGreenState(tls_id, shown[-1])
