"""The twin drives ``brain.control``'s ControlLoop and switches controllers while running."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from hostcity.brain.twin.adapters.scenario import control_factory
from hostcity.brain.twin.adapters.sumo_twin import SumoTwinRun
from hostcity.brain.twin.service import TwinService
from hostcity.brain.twin.worker import TwinWorker
from hostcity.core.platform import Platform
from tests.brain.twin.conftest import GridScenario


@pytest.mark.timeout(120)
def test_operator_switch_reaches_the_running_control_loop(
    platform: Platform, grid: GridScenario, tmp_path: Path
) -> None:
    factory = control_factory()
    if factory is None:
        pytest.skip("brain.control's ControlLoop is not installed")
    service: TwinService = platform.service("brain.twin")
    worker = TwinWorker(
        service,
        lambda: SumoTwinRun(grid, workdir=tmp_path, interval_s=60, seed=1, control_factory=factory),
        scenario="grid",
        speed=300.0,
        default_controller="max-pressure",
    )
    worker.start()
    try:
        deadline = time.monotonic() + 60
        while not worker.status.state.startswith("running") or service.hub.latest("state") is None:
            assert time.monotonic() < deadline, worker.status
            time.sleep(0.05)
        assert worker.status.state == "running", worker.status.state
        assert set(worker.controllers().values()) == {"max-pressure"}
        service.set_controller("B1", "hostcity")
        deadline = time.monotonic() + 30
        while service.live_state()["controllers"].get("B1") != "hostcity":
            assert time.monotonic() < deadline
            time.sleep(0.05)
        run_controllers = worker.controllers()
    finally:
        worker.stop()
    assert run_controllers["B1"] == "hostcity"
    assert run_controllers["A1"] == "max-pressure"
