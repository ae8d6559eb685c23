"""Pre-emption alongside the control loop, on a scripted stand-in for libsumo (no SUMO)."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from hostcity.brain.emergency.adapters.live_preemption import LivePreemptor

NS_GREEN = "GGrr"
EW_GREEN = "rrGG"


@dataclass
class FakeSumo:
    """One junction 'J' with two links per approach; the EV uses link 2 (east-west)."""

    now_s: float = 0.0
    distance_m: float = 200.0
    passed: bool = False
    state: str = NS_GREEN
    program: str = "online"
    written: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.simulation = SimpleNamespace(getTime=lambda: self.now_s)
        self.vehicle = SimpleNamespace(
            getSpeed=lambda _v: 10.0,
            getLaneID=lambda _v: "w_0",
            getNextTLS=lambda _v: [] if self.passed else [("J", 2, self.distance_m, "r")],
        )
        self.lane = SimpleNamespace(
            getLastStepHaltingNumber=lambda _l: 0, getLastStepVehicleIDs=lambda _l: []
        )
        links = [[("n_0", "s_0", "")], [("n_0", "e_0", "")], [("w_0", "e_0", "")],
                 [("w_0", "s_0", "")]]  # fmt: skip
        self.trafficlight = SimpleNamespace(
            getControlledLinks=lambda _t: links,
            getRedYellowGreenState=lambda _t: self.state,
            setRedYellowGreenState=self._set,
            getProgram=lambda _t: self.program,
            getAllProgramLogics=lambda _t: [],
        )

    def _set(self, _tls: str, state: str) -> None:
        self.state = state
        self.written.append(state)


@dataclass
class FakeLoop:
    """The control loop as pre-emption sees it: junction J runs 'max-pressure'."""

    restarted: list[tuple[str, str]] = field(default_factory=list)

    @property
    def infos(self) -> dict[str, Any]:
        greens = [SimpleNamespace(state=NS_GREEN), SimpleNamespace(state=EW_GREEN)]
        return {"J": SimpleNamespace(greens=greens)}

    def controllers(self) -> dict[str, str]:
        return {"J": "max-pressure"}

    def set_controller(self, tls_id: str, name: str) -> None:
        self.restarted.append((tls_id, name))


def test_a_loop_junction_is_held_green_then_handed_back_to_its_controller() -> None:
    sumo, loop = FakeSumo(), FakeLoop()
    preemptor = LivePreemptor(sumo, loop)
    preemptor.step(["ev"])  # 20 s away: too early
    assert preemptor.held() == [] and sumo.written == []
    sumo.now_s, sumo.distance_m = 10.0, 40.0  # 4 s away: yellow now, then the EV's green
    preemptor.step(["ev"])
    assert preemptor.held() == ["J"]
    assert sumo.written[-1] == "yyrr"
    for t in range(11, 16):
        sumo.now_s = float(t)
        sumo.state = NS_GREEN  # the control loop writes its own stage after each step ...
        preemptor.step(["ev"])
        assert sumo.state != NS_GREEN  # ... and pre-emption shows the EV's again
    assert sumo.state == EW_GREEN
    assert loop.restarted == []
    sumo.passed = True
    preemptor.step(["ev"])
    assert preemptor.held() == []
    assert loop.restarted == [("J", "max-pressure")]  # the loop resumes from the EV's green
    assert preemptor.preemptions == 1
