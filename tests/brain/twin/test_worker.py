"""The background twin: real libsumo runs on a small grid, ingestion, pacing, restarts."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from hostcity.brain.twin.adapters.sumo_twin import SumoTwinRun
from hostcity.brain.twin.service import TwinService
from hostcity.brain.twin.worker import TwinWorker
from hostcity.core.errors import InputError
from hostcity.core.platform import Platform
from tests.brain.twin.conftest import GridScenario


def _wait_for(check: Callable[[], bool], timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            pytest.fail("timed out waiting for the twin")
        time.sleep(0.05)


def _service(platform: Platform) -> TwinService:
    service: TwinService = platform.service("brain.twin")
    return service


class FailingRun(SumoTwinRun):
    """A real run that raises after a few simulated seconds, as a crashing SUMO would."""

    def step(self) -> float:
        now = super().step()
        if now >= 30:
            raise RuntimeError("simulated SUMO crash")
        return now


def _factory(
    grid: GridScenario, workdir: Path, *, interval_s: float = 60.0, fail_first: bool = False
) -> Callable[[], SumoTwinRun]:
    calls = {"n": 0}

    def make_run() -> SumoTwinRun:
        calls["n"] += 1
        kind = FailingRun if fail_first and calls["n"] == 1 else SumoTwinRun
        return kind(grid, workdir=workdir, interval_s=interval_s, seed=calls["n"])

    return make_run


@pytest.mark.timeout(120)
def test_twin_runs_the_grid_and_feeds_the_ingestion_path(
    platform: Platform, grid: GridScenario, tmp_path: Path
) -> None:
    service = _service(platform)
    ingested: list[int] = []
    original = service.ingest

    def spy(payload: object, *, source: str = "api") -> object:
        result = original(payload, source=source)
        ingested.append(result.stored)
        return result

    service.ingest = spy  # type: ignore[method-assign]
    worker = TwinWorker(service, _factory(grid, tmp_path), scenario="grid", speed=5000.0)
    worker.start()
    try:
        _wait_for(lambda: worker.status.runs >= 1)
    finally:
        worker.stop()
    assert worker.status.state == "stopped"
    assert worker.status.restarts == 0
    assert worker.status.vehicles is not None  # the latest live state's count
    # 900 simulated seconds with one reading per loop per minute
    assert len(ingested) >= 10
    assert set(ingested) == {len(service.detectors)}
    assert len(service.detectors) == 32
    stored = service.recent(limit=1000)
    assert {o.source for o in stored} == {"twin"}
    assert sum(o.intensity_veh or 0 for o in stored) > 50
    assert any(o.speed_mps for o in stored)
    one = service.recent(detector_id=stored[0].detector_id, limit=100)
    assert all((o.observed_to - o.observed_from).total_seconds() == 60 for o in one)
    network = service.require_network()
    assert network.tls_ids == ["A1", "B0", "B1", "B2", "C1"]
    live = service.live_state()
    assert set(live["tls_state"]) == set(network.tls_ids)
    assert set(live["edge_speed_mps"]) == {e.edge_id for e in network.edges}
    # every vehicle's position, within a lane or two of the network's (centre-line) bounds
    assert len(live["vehicle_xy"]) == live["kpis"]["vehicles"] > 0
    xmin, ymin, xmax, ymax = network.bounds
    outside = [
        (x, y)
        for x, y in live["vehicle_xy"]
        if not (xmin - 8 <= x <= xmax + 8 and ymin - 8 <= y <= ymax + 8)
    ]
    assert not outside, network.bounds


@pytest.mark.timeout(120)
def test_twin_restarts_after_a_crash_and_says_why(
    platform: Platform, grid: GridScenario, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    service = _service(platform)
    statuses: list[str] = []
    sub = service.hub.subscribe()
    worker = TwinWorker(
        service,
        _factory(grid, tmp_path, fail_first=True),
        scenario="grid",
        speed=5000.0,
        backoff_s=0.05,
    )
    worker.start()
    try:
        _wait_for(lambda: worker.status.runs >= 1)
    finally:
        worker.stop()
    while (event := sub.get(0)) is not None:
        if event.kind == "status":
            statuses.append(event.data["state"])
    assert "restarting: RuntimeError: simulated SUMO crash" in statuses
    assert statuses[-1] == "stopped"
    assert worker.status.restarts == 1
    assert worker.status.last_error == "RuntimeError: simulated SUMO crash"
    assert any("restarting" in r.getMessage() for r in caplog.records if r.levelname == "WARNING")


@pytest.mark.timeout(60)
def test_a_broken_network_keeps_restarting_without_taking_the_server_down(
    platform: Platform, grid: GridScenario, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.net.xml"
    broken.write_text("<net><edge id='x'")
    scenario = GridScenario("broken", broken, grid.route_files, (), 0, 60)
    service = _service(platform)
    worker = TwinWorker(
        service,
        lambda: SumoTwinRun(scenario, workdir=tmp_path, interval_s=60, seed=1),
        scenario="broken",
        speed=100.0,
        backoff_s=0.01,
        max_backoff_s=0.02,
    )
    worker.start()
    try:
        _wait_for(lambda: worker.status.restarts >= 2, timeout_s=30)
        assert worker.status.state.startswith("restarting: InputError: cannot read SUMO network")
        assert str(broken) in worker.status.state
    finally:
        worker.stop()
    assert worker.status.state == "stopped"


@pytest.mark.timeout(60)
def test_twin_paces_to_the_requested_speed(
    platform: Platform, grid: GridScenario, tmp_path: Path
) -> None:
    worker = TwinWorker(_service(platform), _factory(grid, tmp_path), scenario="grid", speed=60.0)
    worker.start()
    try:
        _wait_for(lambda: worker.status.sim_time_s >= 30, timeout_s=30)
        time.sleep(1.0)
        status = worker.status
    finally:
        worker.stop()
    assert status.achieved_speed is not None
    assert 30 <= status.achieved_speed <= 75


def test_speed_must_be_positive(platform: Platform) -> None:
    with pytest.raises(InputError):
        TwinWorker(_service(platform), lambda: None, scenario="x", speed=0)  # type: ignore[arg-type, return-value]


@pytest.mark.timeout(120)
def test_traci_twin_restarts_when_the_sumo_process_dies(
    platform: Platform, grid: GridScenario, tmp_path: Path
) -> None:
    import traci

    service = _service(platform)
    worker = TwinWorker(
        service,
        lambda: SumoTwinRun(grid, workdir=tmp_path, interval_s=60, seed=1, backend="traci"),
        scenario="grid",
        speed=20.0,
        backoff_s=0.05,
    )
    worker.start()
    try:
        _wait_for(lambda: worker.status.state == "running" and worker.status.sim_time_s > 5)
        traci.getConnection()._process.kill()  # SUMO crashes under the twin
        _wait_for(lambda: worker.status.restarts >= 1)
        assert worker.status.state.startswith("restarting: ")
        _wait_for(lambda: worker.status.state == "running")
    finally:
        worker.stop()
    assert worker.status.last_error is not None
    assert worker.status.state == "stopped"
