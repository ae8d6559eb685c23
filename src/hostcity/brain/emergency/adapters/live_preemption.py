"""Pre-emption in the live twin, alongside ``brain.control``'s ControlLoop on every junction.

Junctions whose controller SUMO runs ('fixed', 'actuated') are taken over and handed back to
their program as in ``Preemptor``. Junctions the loop drives itself ('max-pressure',
'hostcity', ...) get a green stage of the loop's own, shown again after each loop step so the
loop cannot switch it away, and at hand-back the loop resumes from that stage.
"""

from __future__ import annotations

from typing import Any, Protocol

from hostcity.brain.emergency.adapters.preemption import Hold, Preemptor
from hostcity.brain.emergency.planner import (
    Approach,
    PlanParams,
    green_phase_index,
    transition_states,
)

SUMO_RUN = frozenset({"fixed", "actuated"})
"""Controllers whose signals SUMO's own program shows (the loop does not write states)."""


class LoopLike(Protocol):
    """What pre-emption needs of ``brain.control``'s ControlLoop."""

    @property
    def infos(self) -> dict[str, Any]:
        """``TlsInfo`` per junction (``greens[i].state`` are the green stages)."""

    def controllers(self) -> dict[str, str]:
        """Controller name per junction."""

    def set_controller(self, tls_id: str, name: str) -> None:
        """(Re)start ``name`` on ``tls_id`` from the signal state shown now."""


class LivePreemptor(Preemptor):
    """``Preemptor`` that also holds junctions under the twin's control loop.

    Args:
        sumo: The running ``libsumo`` module.
        loop: The twin's control loop, or None when junctions run their own programs.
        params: Planner timings.
    """

    def __init__(self, sumo: Any, loop: LoopLike | None, params: PlanParams | None = None):
        super().__init__(sumo, params)
        self._loop = loop
        self._loop_holds: dict[str, str] = {}  # tls -> controller to hand back to
        self._shown: dict[str, str] = {}

    def held(self) -> list[str]:
        """Junctions taken over now."""
        return sorted(self._holds)

    def _loop_controller(self, tls_id: str) -> str | None:
        if self._loop is None:
            return None
        name = self._loop.controllers().get(tls_id)
        if name is None or name in SUMO_RUN or tls_id not in self._loop.infos:
            return None
        return name

    def _take_over(self, vehicle: str, approach: Approach, now_s: float) -> None:
        name = self._loop_controller(approach.tls_id)
        if name is None:
            super()._take_over(vehicle, approach, now_s)
            return
        assert self._loop is not None
        stages = [str(g.state) for g in self._loop.infos[approach.tls_id].greens]
        if approach.is_green:
            index, states = -1, [(now_s, approach.state)]
        else:
            index = green_phase_index(
                stages, approach.link_index, self._lane_links(approach.tls_id, approach.link_index)
            )
            yellow, red = transition_states(approach.state, stages[index])
            p = self._params
            states = [(now_s, yellow), (now_s + p.yellow_s, red)]
            states.append((now_s + p.yellow_s + p.all_red_s, stages[index]))
        self._holds[approach.tls_id] = Hold(vehicle, "", index, now_s, states)
        self._loop_holds[approach.tls_id] = name
        self.preemptions += 1
        self._advance(approach.tls_id, self._holds[approach.tls_id], now_s)

    def _advance(self, tls_id: str, hold: Hold, now_s: float) -> None:
        while hold.states and hold.states[0][0] <= now_s:
            self._shown[tls_id] = hold.states.pop(0)[1]
        if tls_id in self._shown:  # again each step: the loop may have written its own state
            self._sumo.trafficlight.setRedYellowGreenState(tls_id, self._shown[tls_id])

    def _hand_back(self, tls_id: str, hold: Hold) -> None:
        self._shown.pop(tls_id, None)
        name = self._loop_holds.pop(tls_id, None)
        if name is None:
            super()._hand_back(tls_id, hold)
            return
        assert self._loop is not None
        del self._holds[tls_id]
        self._loop.set_controller(tls_id, name)
