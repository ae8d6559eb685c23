"""The control loop: reads every signalised junction from a running SUMO and applies controllers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from hostcity.brain.control.adapters.lane_reach import LaneTopology, Reach, observe_reach
from hostcity.brain.control.controllers import Controller, check_controller_name, make_controller
from hostcity.brain.control.errors import ControllerError
from hostcity.brain.control.junction import (
    NEAR_STOP_LINE_M,
    Link,
    Observation,
    TlsInfo,
    green_phases,
)
from hostcity.core.errors import NotFoundError

STATIC_PROGRAM = "hc-static"
ACTUATED_PROGRAM = "hc-actuated"
_TLS_TYPES = {"static": 0, "actuated": 3}
ACTUATED_MIN_S = 5.0  # netconvert's defaults for actuated greens
ACTUATED_MAX_S = 50.0


@dataclass
class _Junction:
    """Run-time state of one junction under the loop."""

    info: TlsInfo
    original_program: str
    original_static: bool
    controller: Controller
    phase: int = 0
    phase_start_s: float = 0.0
    target: int | None = None
    previous: int = 0
    yellow_until_s: float = 0.0
    last_green_end_s: list[float] = field(default_factory=list)
    reaches: dict[str, Reach] = field(default_factory=dict)
    box_lanes: tuple[tuple[str, ...], ...] = ()  # internal lanes of each link, by link index


def read_tls_info(
    sumo: Any, tls_id: str, topology: LaneTopology | None = None
) -> tuple[TlsInfo, str, bool, dict[str, Reach]]:
    """Build ``TlsInfo`` for one traffic light of a running simulation.

    Short lanes are observed together with their neighbours (``lane_reach``), and
    ``lane_length_m`` gives the length of each lane's reach.

    Returns:
        The info, the id of the program it runs now, whether that program is fixed-time,
        and the reach observed for each incoming and outgoing lane.
    """
    topology = topology or LaneTopology(sumo)
    program = sumo.trafficlight.getProgram(tls_id)
    logics = sumo.trafficlight.getAllProgramLogics(tls_id)
    logic = next((lg for lg in logics if lg.programID == program), logics[0])
    phases = [(p.state, float(p.duration), float(p.minDur), float(p.maxDur)) for p in logic.phases]
    greens, yellow_s = green_phases(phases)
    links: list[Link | None] = []
    for per_index in sumo.trafficlight.getControlledLinks(tls_id):
        links.append(Link(per_index[0][0], per_index[0][1]) if per_index else None)
    reaches: dict[str, Reach] = {}
    for link in links:
        if link is not None:
            reaches.setdefault(link.in_lane, topology.upstream(link.in_lane))
    for link in links:
        if link is not None and link.out_lane not in reaches:
            reaches[link.out_lane] = topology.downstream(link.out_lane)
    lengths = {lane: reach.length_m for lane, reach in reaches.items()}
    info = TlsInfo(tls_id, tuple(links), greens, yellow_s, lengths)
    return info, logic.programID, int(logic.type) == 0, reaches


def _box_lanes(sumo: Any, tls_id: str) -> tuple[tuple[str, ...], ...]:
    """The internal lanes (inside the junction) each controlled link drives over."""
    return tuple(
        tuple(via for _in, _out, via in per_index if via)
        for per_index in sumo.trafficlight.getControlledLinks(tls_id)
    )


class ControlLoop:
    """Applies one controller per junction to a running libsumo or TraCI simulation.

    Call ``step()`` once after every ``simulationStep()``. Junctions whose controller SUMO
    runs itself ('fixed', 'actuated') are handed to SUMO's program; the others get a signal
    state from their controller each second, with a yellow between greens.

    Args:
        sumo: The ``libsumo`` or ``traci`` module (or a connection) of a started simulation.
        controller: The controller of every junction unless ``per_junction`` names another.
        per_junction: Controller names for some junctions.

    Raises:
        ControllerError: for an unknown controller name.
    """

    def __init__(
        self,
        sumo: Any,
        controller: str = "hostcity",
        *,
        per_junction: Mapping[str, str] | None = None,
    ) -> None:
        check_controller_name(controller)
        self._sumo = sumo
        self._junctions: dict[str, _Junction] = {}
        now = float(sumo.simulation.getTime())
        topology = LaneTopology(sumo)
        self._own_program: set[str] = set()
        for tls_id in sumo.trafficlight.getIDList():
            try:
                info, program, is_static, reaches = read_tls_info(sumo, tls_id, topology)
            except ControllerError:
                # no green stage to choose (a rail crossing, a blinker): it keeps its program
                self._own_program.add(tls_id)
                continue
            self._install_programs(tls_id, program)
            junction = _Junction(info, program, is_static, make_controller("fixed", info))
            junction.reaches = reaches
            junction.box_lanes = _box_lanes(sumo, tls_id)
            junction.last_green_end_s = [now] * len(info.greens)
            self._junctions[tls_id] = junction
        for tls_id in self._junctions:
            chosen = (per_junction or {}).get(tls_id, controller)
            self.set_controller(tls_id, chosen)

    def _install_programs(self, tls_id: str, program: str) -> None:
        logics = self._sumo.trafficlight.getAllProgramLogics(tls_id)
        logic = next((lg for lg in logics if lg.programID == program), logics[0])
        for program_id, kind in ((STATIC_PROGRAM, "static"), (ACTUATED_PROGRAM, "actuated")):
            phases = logic.phases if kind == "static" else self._actuated_phases(logic.phases)
            copy = self._sumo.trafficlight.Logic(program_id, _TLS_TYPES[kind], 0, phases)
            self._sumo.trafficlight.setProgramLogic(tls_id, copy)
        self._sumo.trafficlight.setProgram(tls_id, program)

    def _actuated_phases(self, phases: Any) -> list[Any]:
        """The phases with room to actuate: greens without a min/max range get SUMO's defaults."""
        adjusted = []
        for phase in phases:
            state, duration = phase.state, float(phase.duration)
            fixed_range = float(phase.minDur) >= float(phase.maxDur)
            if fixed_range and "y" not in state.lower() and any(c in "Gg" for c in state):
                low, high = min(ACTUATED_MIN_S, duration), max(ACTUATED_MAX_S, duration)
                adjusted.append(self._sumo.trafficlight.Phase(duration, state, low, high))
            else:
                adjusted.append(phase)
        return adjusted

    @property
    def infos(self) -> dict[str, TlsInfo]:
        """``TlsInfo`` of every signalised junction, by id."""
        return {tls_id: j.info for tls_id, j in self._junctions.items()}

    def controllers(self) -> dict[str, str]:
        """The controller name running each junction, by junction id.

        Traffic lights without a green stage keep their own program and show as 'fixed'.
        """
        names = {tls_id: j.controller.name for tls_id, j in self._junctions.items()}
        names.update(dict.fromkeys(self._own_program, "fixed"))
        return names

    def _junction(self, tls_id: str) -> _Junction:
        if tls_id in self._own_program:
            raise ControllerError(
                f"traffic light {tls_id!r} has no green stage a controller could choose",
                hint="it keeps its own program",
            )
        try:
            return self._junctions[tls_id]
        except KeyError:
            known = ", ".join(sorted(self._junctions)[:10]) or "none"
            raise NotFoundError(
                f"no signalised junction {tls_id!r}", hint=f"known junctions include: {known}"
            ) from None

    def set_controller(self, tls_id: str, name: str) -> None:
        """Switch junction ``tls_id`` to controller ``name`` from the next step on.

        Raises:
            NotFoundError: for an unknown junction.
            ControllerError: for an unknown controller name, or another than 'fixed' for a
                traffic light without a green stage.
        """
        if check_controller_name(name) == "fixed" and tls_id in self._own_program:
            return
        junction = self._junction(tls_id)
        controller = make_controller(name, junction.info)
        tl = self._sumo.trafficlight
        if controller.native == "static":
            tl.setProgram(
                tls_id, junction.original_program if junction.original_static else STATIC_PROGRAM
            )
        elif controller.native == "actuated":
            tl.setProgram(tls_id, ACTUATED_PROGRAM)
        else:
            state = tl.getRedYellowGreenState(tls_id)
            states = [g.state for g in junction.info.greens]
            junction.phase = states.index(state) if state in states else 0
            junction.phase_start_s = float(self._sumo.simulation.getTime())
            junction.target = None
            tl.setRedYellowGreenState(tls_id, states[junction.phase])
        junction.controller = controller

    def observe(self, tls_id: str) -> Observation:
        """What the controller of ``tls_id`` sees now.

        Raises:
            NotFoundError: for an unknown junction.
        """
        junction = self._junction(tls_id)
        now = float(self._sumo.simulation.getTime())
        incoming = set(junction.info.in_lanes)
        lanes = {
            lane: observe_reach(self._sumo, reach, NEAR_STOP_LINE_M if lane in incoming else None)
            for lane, reach in junction.reaches.items()
        }
        since = tuple(
            0.0 if p == junction.phase else now - end
            for p, end in enumerate(junction.last_green_end_s)
        )
        return Observation(now, junction.phase, now - junction.phase_start_s, lanes, since)

    def _clearing(self, tls_id: str, junction: _Junction, now: float) -> bool:
        """Hold an all-red after the yellow while the controller asks to clear the box."""
        if not junction.controller.clears_junction_box or junction.target is None:
            return False
        info, target = junction.info, junction.target
        lanes = {
            lane
            for index in info.losing_links(junction.previous, target)
            if index < len(junction.box_lanes)
            for lane in junction.box_lanes[index]
        }
        lane_api = self._sumo.lane
        halting = sum(float(lane_api.getLastStepHaltingNumber(lane)) for lane in lanes)
        if not junction.controller.hold_all_red(halting, now - junction.yellow_until_s):
            return False
        self._sumo.trafficlight.setRedYellowGreenState(
            tls_id, info.all_red(junction.previous, target)
        )
        return True

    def step(self) -> None:
        """Advance every junction the loop controls by one simulation step."""
        now = float(self._sumo.simulation.getTime())
        tl = self._sumo.trafficlight
        for tls_id, junction in self._junctions.items():
            if junction.controller.native is not None:
                continue
            info = junction.info
            if junction.target is not None:
                if now >= junction.yellow_until_s and self._clearing(tls_id, junction, now):
                    continue
                if now >= junction.yellow_until_s:
                    junction.phase, junction.target = junction.target, None
                    junction.phase_start_s = now
                    tl.setRedYellowGreenState(tls_id, info.greens[junction.phase].state)
                continue
            decision = junction.controller.decide(self.observe(tls_id))
            if not 0 <= decision < len(info.greens):
                raise ControllerError(
                    f"controller {junction.controller.name} chose stage {decision} at {tls_id}, "
                    f"which has {len(info.greens)} green stages"
                )
            if decision != junction.phase:
                junction.last_green_end_s[junction.phase] = now
                junction.target, junction.previous = decision, junction.phase
                junction.yellow_until_s = now + info.yellow_s
                tl.setRedYellowGreenState(tls_id, info.transition(junction.phase, decision))
