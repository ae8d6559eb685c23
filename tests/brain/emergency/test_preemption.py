"""Pre-emption of program-driven signals on a scripted stand-in for libsumo (no SUMO)."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

from hostcity.brain.emergency.adapters.preemption import Preemptor
from hostcity.brain.emergency.planner import PlanParams

# links 0,1 come from lane n, 2,3 from lane w, 4,5 from lane e
PHASES = ["GGrrrr", "yyrrrr", "rrGGrr", "rryyrr", "rrrrGG", "rrrryy"]
LANES = ["n", "n", "w", "w", "e", "e"]


@dataclass
class FakeSumo:
    """One junction 'J' running program '0'; the test moves the EV by setting ``next_tls``."""

    now_s: float = 0.0
    next_tls: list[tuple[str, int, float, str]] = field(default_factory=list)
    queues: dict[str, int] = field(default_factory=dict)
    program: str = "0"
    phase: int = 0
    state: str = PHASES[0]
    shown: list[str] = field(default_factory=list)
    lanes: dict[str, str] = field(default_factory=dict)  # vehicle -> lane
    positions: dict[str, float] = field(default_factory=dict)  # vehicle -> metres on its lane
    routes: dict[str, list[tuple[str, int, float, str]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.simulation = SimpleNamespace(getTime=lambda: self.now_s)
        self.vehicle = SimpleNamespace(
            getSpeed=lambda _v: 10.0,
            getLaneID=lambda v: self.lanes.get(v, "w"),
            getLanePosition=lambda v: self.positions.get(v, 0.0),
            getNextTLS=lambda v: [
                (t, i, d, self.state[i]) for t, i, d, _s in self.routes.get(v, self.next_tls)
            ],
        )
        self.lane = SimpleNamespace(
            getLastStepHaltingNumber=lambda lane: self.queues.get(lane, 0),
            getLastStepVehicleIDs=lambda lane: [v for v, on in self.lanes.items() if on == lane],
        )
        logic = SimpleNamespace(
            programID="0", phases=[SimpleNamespace(state=state) for state in PHASES]
        )
        self.trafficlight = SimpleNamespace(
            getControlledLinks=lambda _t: [[(lane, "out", "")] for lane in LANES],
            getRedYellowGreenState=lambda _t: self.state,
            setRedYellowGreenState=self._set_state,
            getProgram=lambda _t: self.program,
            getAllProgramLogics=lambda _t: [logic, SimpleNamespace(programID="online", phases=[])],
            getPhase=lambda _t: self.phase,
            setProgram=self._set_program,
            setPhase=self._set_phase,
        )

    def _set_state(self, _tls: str, state: str) -> None:
        self.program, self.state = "online", state
        self.shown.append(state)

    def _set_program(self, _tls: str, program: str) -> None:
        self.program = program

    def _set_phase(self, _tls: str, index: int) -> None:
        assert self.program == "0", "setPhase applies to the program, not an online state"
        self.phase, self.state = index, PHASES[index]
        self.shown.append(f"phase {index}")

    def run(self, preemptor: Preemptor, until_s: float) -> None:
        while self.now_s < until_s:
            self.now_s += 1.0
            preemptor.step(["ev"])


def test_signal_crossed_twice_is_planned_for_the_next_link() -> None:
    sumo = FakeSumo(next_tls=[("J", 2, 40.0, ""), ("J", 0, 300.0, "")])
    preemptor = Preemptor(sumo, PlanParams(resume="next"))
    sumo.run(preemptor, 6.0)
    assert sumo.state == PHASES[2]  # yellow, all-red, then the EV's green on link 2
    sumo.next_tls = [("J", 0, 200.0, "")]  # past link 2; the route comes back on link 0
    sumo.run(preemptor, 7.0)
    assert sumo.shown[-1] == "phase 3"  # handed back, not held on link 2's green
    sumo.next_tls = [("J", 0, 30.0, "")]
    sumo.run(preemptor, 20.0)
    assert sumo.state[0] == "G"
    assert preemptor.preemptions == 2


def test_release_resumes_at_the_longest_queue_through_yellow() -> None:
    sumo = FakeSumo(next_tls=[("J", 2, 40.0, "")], queues={"n": 8, "e": 1})
    preemptor = Preemptor(sumo, PlanParams(yellow_s=3, all_red_s=1, resume="longest-queue"))
    sumo.run(preemptor, 6.0)
    assert sumo.state == PHASES[2]
    sumo.next_tls = []
    sumo.run(preemptor, 7.0)
    assert sumo.state == "rryyrr"  # link 2 and 3 lose green first
    sumo.run(preemptor, 10.0)
    assert sumo.state == "rrrrrr"
    sumo.run(preemptor, 11.0)
    assert sumo.program == "0"
    assert sumo.shown[-1] == "phase 0"  # lane n (8 halted) next, not phase 4 (1 halted)


def test_release_to_the_next_phase_by_default() -> None:
    sumo = FakeSumo(next_tls=[("J", 2, 40.0, "")], queues={"n": 8, "e": 1})
    preemptor = Preemptor(sumo)
    sumo.run(preemptor, 6.0)
    sumo.next_tls = []
    sumo.run(preemptor, 7.0)
    assert sumo.shown[-1] == "phase 3"  # the program's own yellow after the held green


def test_green_lets_the_queue_ahead_of_the_vehicle_clear() -> None:
    # phases: link 2 protected with link 3 red, or both from lane w green (link 2 yielding)
    phases = ["rrGrrr", "rryrrr", "rrgGrr", "rryyrr"]
    sumo = FakeSumo(next_tls=[("J", 2, 30.0, "")], state=phases[1])
    logic = SimpleNamespace(programID="0", phases=[SimpleNamespace(state=p) for p in phases])
    sumo.trafficlight.getAllProgramLogics = lambda _t: [logic]
    sumo.lanes = {"ev": "w", "car": "w", "behind": "w"}
    sumo.positions = {"ev": 20.0, "car": 60.0, "behind": 5.0}
    sumo.routes = {"car": [("J", 3, 10.0, "")], "behind": [("J", 0, 70.0, "")]}
    preemptor = Preemptor(sumo)
    sumo.run(preemptor, 6.0)
    assert sumo.state == "rrgGrr"  # the car ahead turns on link 3: it must move too
    sumo.positions["car"] = 10.0  # now behind the emergency vehicle: it no longer counts
    assert preemptor._lane_links("J", 2, "ev") == []
