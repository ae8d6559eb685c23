"""Units driving in the live twin (libsumo): dispatch, tracking, pre-emption, arrival, return."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from hostcity.brain.emergency.adapters.live import EmergencyTwinHook
from hostcity.brain.emergency.adapters.roads import read_roads
from hostcity.brain.emergency.calls import CallLocation
from hostcity.brain.emergency.demo import demo_units
from hostcity.brain.emergency.routing import RoadGraph
from hostcity.brain.emergency.service import EmergencyService
from hostcity.brain.emergency.setup import SERVICE
from hostcity.brain.emergency.units import Unit
from hostcity.brain.twin.adapters.scenario import control_factory
from hostcity.brain.twin.adapters.sumo_twin import SumoTwinRun
from hostcity.brain.twin.service import TwinService
from hostcity.brain.twin.worker import TwinWorker
from hostcity.core.platform import Platform
from tests.brain.twin.conftest import GridScenario, _build_grid


@pytest.fixture(scope="module")
def grid(tmp_path_factory: pytest.TempPathFactory) -> GridScenario:
    """The twin tests' 3x3 grid with traffic lights and 15 minutes of random traffic."""
    return _build_grid(tmp_path_factory.mktemp("ev_live_grid"))


def _wait(what: str, check: Callable[[], bool], timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def _two_units(
    platform: Platform, grid: GridScenario
) -> tuple[EmergencyService, RoadGraph, list[Unit]]:
    """The emergency service with the demo's first two units stationed on ``grid``'s roads."""
    service: EmergencyService = platform.service(SERVICE)
    graph, _ = read_roads(grid.net_file)
    units = demo_units(graph)[:2]
    for unit in units:
        service.add_unit(unit)
    return service, graph, units


@pytest.mark.timeout(180)
@pytest.mark.parametrize(
    "controller",
    [pytest.param("fixed", id="fixed-programs"), pytest.param("max-pressure", id="control-loop")],
)
def test_a_dispatched_unit_drives_arrives_and_returns(
    platform: Platform, grid: GridScenario, tmp_path: Path, controller: str
) -> None:
    service, graph, units = _two_units(platform, grid)
    hook = EmergencyTwinHook(service, on_scene_s=20.0)
    twin: TwinService = platform.service("brain.twin")
    worker = TwinWorker(
        twin,
        lambda: SumoTwinRun(
            grid,
            workdir=tmp_path,
            interval_s=60,
            seed=1,
            control_factory=control_factory(),
            hooks=[hook],
        ),
        scenario="grid",
        speed=40.0,
        default_controller=controller,
    )
    worker.start()
    try:
        _wait("the twin's road picture", service.ready)
        # the call goes to the edge farthest from the first unit's station
        sx, sy = units[0].station_xy
        far = max(
            graph.edges.values(),
            key=lambda e: math.dist((sx, sy), e.shape[len(e.shape) // 2]),
        )
        call = service.dispatch(CallLocation(edge_id=far.edge_id), unit_id=units[0].unit_id)
        assert call["status"] == "dispatched" and call["eta_s"] > 0
        etas: list[float] = []

        def on_scene() -> bool:
            live = service.tracking(units[0].unit_id)
            if live and live["state"] == "driving":
                etas.append(live["eta_s"])
            return bool(service.call(call["id"])["status"] == "on_scene")

        _wait("the unit on scene", on_scene, 90)
        done = service.call(call["id"])
        assert done["travel_time_s"] is not None and done["travel_time_s"] > 0
        # the live ETA counted down while the unit drove
        assert len(etas) >= 3 and etas[-1] < etas[0]
        # the dispatch ETA, on live travel times, is close to the drive (start-up not modelled)
        assert 0.5 * done["eta_s"] <= done["travel_time_s"] <= 2.0 * done["eta_s"] + 20
        assert {u["id"]: u["status"] for u in service.units()}[units[0].unit_id] == "on_scene"
        _wait(
            "the unit back home",
            lambda: (
                {u["id"]: u["status"] for u in service.units()}[units[0].unit_id] == "available"
            ),
            90,
        )
        assert service.call(call["id"])["status"] == "closed"
        assert hook.preemptions >= 1
        assert worker.status.restarts == 0, worker.status.last_error
    finally:
        worker.stop()
    assert not service.ready()  # no live picture once the run ended
    print(  # the figures for the report (pytest -s)
        f"{controller}: ETA {call['eta_s']:.0f} s, drove {done['travel_time_s']:.0f} s, "
        f"{hook.preemptions} signal(s) pre-empted"
    )


def _status_of(service: EmergencyService, unit_id: str) -> str:
    return str({u["id"]: u["status"] for u in service.units()}[unit_id])


@pytest.mark.timeout(180)
def test_a_recalled_unit_turns_back_and_a_scene_is_cleared_early(
    platform: Platform, grid: GridScenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    service, graph, units = _two_units(platform, grid)
    hook = EmergencyTwinHook(service, on_scene_s=3600.0)  # only a clear sends it back in time
    stopped: list[str] = []  # rerouted vehicles the hook took off the road at their station
    reached = hook._reached

    def record(drive: Any) -> bool:
        if reached(drive):
            stopped.append(drive.vehicle_id)
            return True
        return False

    monkeypatch.setattr(hook, "_reached", record)
    twin: TwinService = platform.service("brain.twin")
    worker = TwinWorker(
        twin,
        lambda: SumoTwinRun(
            grid, workdir=tmp_path, interval_s=60, seed=1, control_factory=control_factory(),
            hooks=[hook],
        ),
        scenario="grid",
        speed=40.0,
        default_controller="fixed",
    )  # fmt: skip
    first, second = units[0].unit_id, units[1].unit_id
    worker.start()
    try:
        _wait("the twin's road picture", service.ready)
        sx, sy = units[0].station_xy
        far = max(
            graph.edges.values(), key=lambda e: math.dist((sx, sy), e.shape[len(e.shape) // 2])
        )
        call = service.dispatch(CallLocation(edge_id=far.edge_id), unit_id=first)

        def driving() -> bool:
            live = service.tracking(first)
            return bool(live and live["state"] == "driving" and live["speed_mps"] > 1.0)

        _wait("the unit on the road", driving)
        cancelled = service.cancel(call["id"], reason="caller hung up")
        assert cancelled["status"] == "cancelled"
        assert _status_of(service, first) == "returning"
        returning: list[dict[str, object]] = []

        def home() -> bool:
            live = service.tracking(first)
            if live and live["leg"] == "returning":
                returning.append(live)
            return _status_of(service, first) == "available"

        _wait("the recalled unit back home", home, 90)
        assert len(returning) >= 2, "the unit drove back on the road, it was not teleported"
        # rerouted home: the remaining route ends at its station, and no signal is held for it
        assert returning[0]["route"][-1] == units[0].station_edge  # type: ignore[index]
        assert all(not s["preempted"] for s in returning[1:])
        assert stopped == [f"hc_unit_{first}_{call['id']}"]  # at the station, not SUMO's old end
        done = service.call(call["id"])
        assert done["status"] == "cancelled" and done["arrived_sim_s"] is None

        near = service.dispatch(CallLocation(edge_id=units[1].station_edge), unit_id=second)
        _wait(
            "the second unit on scene",
            lambda: service.call(near["id"])["status"] == "on_scene",
            90,
        )
        cleared = service.cancel(near["id"])
        assert cleared["status"] == "closed" and cleared["note"] == "scene cleared early"
        _wait("the cleared unit back home", lambda: _status_of(service, second) == "available", 90)
        assert worker.status.restarts == 0, worker.status.last_error
    finally:
        worker.stop()
