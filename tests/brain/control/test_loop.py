"""The control loop on a real SUMO run of the test grid, through libsumo and through TraCI."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from hostcity.brain.control.adapters.runner import sumo_command
from hostcity.brain.control.adapters.sumo_loop import ControlLoop
from hostcity.brain.control.controllers import CONTROLLER_NAMES
from hostcity.brain.control.errors import ControllerError
from hostcity.brain.control.hostcity_policy import HostCityController
from hostcity.brain.control.scenario import load_scenario
from hostcity.core.errors import NotFoundError
from tests.brain.control.conftest import Grid

JUNCTIONS = {"A0", "A1", "B0", "B1"}


@pytest.fixture(params=["libsumo", "traci"])
def sumo(request: pytest.FixtureRequest, grid: Grid, tmp_path: Path) -> Iterator[ModuleType]:
    """A started simulation of the grid; libsumo in this process, or TraCI to a SUMO process."""
    scenario = load_scenario(grid.config, tmp_path, check=False)
    command = sumo_command(scenario, seed=1, tripinfo=tmp_path / "trips.xml")
    if request.param == "libsumo":
        import libsumo as module
    else:
        import traci as module

        from hostcity.brain.control.adapters.sumo_tools import binary

        command[0] = binary("sumo")
    module.start(command)
    try:
        yield module
    finally:
        module.close()


def test_loop_reads_every_signal_and_runs_the_controller(sumo: ModuleType) -> None:
    loop = ControlLoop(sumo, "hostcity")
    assert set(loop.infos) == JUNCTIONS
    assert set(loop.controllers().values()) == {"hostcity"}
    states: dict[str, set[str]] = {tls: set() for tls in JUNCTIONS}
    for _ in range(150):
        sumo.simulationStep()
        loop.step()
        for tls in JUNCTIONS:
            states[tls].add(sumo.trafficlight.getRedYellowGreenState(tls))
    busy = states["A0"]
    assert any("y" in state for state in busy), "the controller never changed stage at A0"
    assert len({s for s in busy if "y" not in s}) >= 2
    assert loop.observe("A0").lanes, "no lane was observed"


def test_controllers_switch_per_junction_at_run_time(sumo: ModuleType) -> None:
    loop = ControlLoop(sumo, "fixed", per_junction={"B1": "max-pressure"})
    assert loop.controllers()["B1"] == "max-pressure"
    assert sumo.trafficlight.getProgram("A0") == "0"
    for name in CONTROLLER_NAMES:
        loop.set_controller("A0", name)
        for _ in range(20):
            sumo.simulationStep()
            loop.step()
        assert loop.controllers()["A0"] == name
    assert sumo.trafficlight.getProgram("A1") == "0"


@pytest.mark.parametrize(
    ("tls", "name", "error"),
    [
        pytest.param("A0", "greedy", ControllerError, id="unknown-controller"),
        pytest.param("Z9", "fixed", NotFoundError, id="unknown-junction"),
    ],
)
def test_bad_switches_are_refused(
    sumo: ModuleType, tls: str, name: str, error: type[Exception]
) -> None:
    loop = ControlLoop(sumo, "hostcity")
    with pytest.raises(error):
        loop.set_controller(tls, name)
    assert loop.controllers()["A0"] == "hostcity"


def test_a_light_without_green_keeps_its_own_program(sumo: ModuleType) -> None:
    tl = sumo.trafficlight
    all_red = "r" * len(tl.getRedYellowGreenState("A0"))
    tl.setProgramLogic("A0", tl.Logic("blink", 0, 0, [tl.Phase(30.0, all_red)]))
    tl.setProgram("A0", "blink")
    loop = ControlLoop(sumo, "hostcity")
    assert loop.controllers()["A0"] == "fixed"
    assert "A0" not in loop.infos
    loop.set_controller("A0", "fixed")  # accepted: it is what the light does
    with pytest.raises(ControllerError, match="no green stage"):
        loop.set_controller("A0", "hostcity")
    for _ in range(10):
        sumo.simulationStep()
        loop.step()
    assert tl.getProgram("A0") == "blink"


def _halt_a_car_inside(sumo: ModuleType, tls: str, max_steps: int = 200) -> str:
    """Step until a car drives inside junction ``tls``, then stop it dead there."""
    for _ in range(max_steps):
        for vehicle in sumo.vehicle.getIDList():
            if sumo.vehicle.getLaneID(vehicle).startswith(f":{tls}_"):
                sumo.vehicle.setSpeedMode(vehicle, 0)  # stop at once, whatever the decel
                sumo.vehicle.setSpeed(vehicle, 0.0)
                return str(vehicle)
        sumo.simulationStep()
    pytest.fail(f"no car drove inside {tls}")


def test_hostcity_holds_an_all_red_while_a_car_stands_in_the_box(sumo: ModuleType) -> None:
    loop = ControlLoop(sumo, "hostcity", per_junction={"A1": "max-pressure"})
    box_clear_s = HostCityController(loop.infos["A0"]).params.clearance_max_s
    stuck = _halt_a_car_inside(sumo, "A0")
    greens = {g.state for g in loop.infos["A0"].greens}
    seen: list[str] = []
    for _ in range(200):
        sumo.simulationStep()
        loop.step()
        seen.append(sumo.trafficlight.getRedYellowGreenState("A0"))
        if len(seen) > 1 and seen[-1] in greens and seen[-1] != seen[0]:
            break
    assert sumo.vehicle.getLaneID(stuck).startswith(":A0_"), "the stopped car left the box"
    assert "y" in "".join(seen), "A0 never changed stage"
    after_yellow = seen[max(i for i, s in enumerate(seen) if "y" in s) + 1 :]
    all_red = [s for s in after_yellow if s not in greens]
    assert all_red, "no all-red clearance while a car stood in the box"
    assert len(all_red) == pytest.approx(box_clear_s, abs=1.0), "the all-red is not bounded"
    assert all(set(s) <= set("rGg") and "y" not in s for s in all_red)
    assert after_yellow[-1] in greens, "the next green never came"
