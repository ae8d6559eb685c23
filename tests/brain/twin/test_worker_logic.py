"""The twin worker's own logic on a scripted run: clock, controllers, failures, no SUMO."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from hostcity.brain.twin.clock import restater
from hostcity.brain.twin.service import TwinService
from hostcity.brain.twin.types import (
    DetectorReading,
    DetectorSpec,
    Kpis,
    LiveState,
    NetworkGeometry,
)
from hostcity.brain.twin.worker import TwinWorker
from hostcity.core.errors import DependencyError
from hostcity.core.platform import Platform
from hostcity.core.timeutil import parse_iso, utcnow


class ScriptedRun:
    """A run of ``length_s`` simulated seconds with one loop that counts 3 vehicles a minute."""

    interval_s = 60.0
    begin_s = 100.0
    time_compression = 1.0

    def __init__(self, length_s: float = 120.0, *, control: bool = True) -> None:
        self.length_s = length_s
        self.network: NetworkGeometry | None = None
        self.detectors = [DetectorSpec("loop", "J", "e_0", "e", 0, 50.0)]
        self.control_problem = None if control else "signal control is not installed"
        self.now = self.begin_s
        self.applied: list[tuple[str, str]] = []
        self.closed = False

    def open(self) -> None:
        self.network = NetworkGeometry([], [], ["J", "K"], (0, 0, 1, 1))

    def step(self) -> float:
        self.now += 1
        return self.now

    def finished(self) -> bool:
        return self.now >= self.begin_s + self.length_s

    def read_detectors(self, begin_s: float, end_s: float) -> list[DetectorReading]:
        return [DetectorReading("loop", begin_s, end_s, 3, 5.0, 9.0)]

    def snapshot(self, controllers: dict[str, str]) -> LiveState:
        return LiveState(self.now, utcnow(), Kpis(1, 9.0, 0.0), {}, {"J": "Gr"}, controllers)

    def set_controller(self, tls_id: str, name: str) -> None:
        if self.control_problem and name != "fixed":
            raise DependencyError(self.control_problem)
        self.applied.append((tls_id, name))

    def close(self) -> None:
        self.closed = True


def _wait_for(check: Callable[[], bool], timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def _service(platform: Platform) -> TwinService:
    service: TwinService = platform.service("brain.twin")
    return service


def test_runs_follow_each_other_on_one_clock(platform: Platform) -> None:
    runs: list[ScriptedRun] = []

    def make_run() -> ScriptedRun:
        runs.append(ScriptedRun())
        return runs[-1]

    service = _service(platform)
    worker = TwinWorker(service, make_run, scenario="scripted", speed=1e6)
    worker.start()
    try:
        _wait_for(lambda: worker.status.runs >= 2)
    finally:
        worker.stop()
    assert all(run.closed for run in runs)
    windows = sorted((o.observed_from, o.observed_to) for o in service.recent(limit=1000))
    assert len(windows) >= 4
    for (_, previous_end), (start, end) in itertools.pairwise(windows):
        assert start >= previous_end
        assert (end - start).total_seconds() == 60
    assert {round(o.flow_veh_per_h or 0) for o in service.recent(limit=1000)} == {180}


def test_default_controller_is_applied_and_switches_reach_the_run(platform: Platform) -> None:
    run = ScriptedRun(length_s=1e9)
    worker = TwinWorker(
        _service(platform), lambda: run, scenario="s", speed=50.0, default_controller="hostcity"
    )
    worker.start()
    try:
        _wait_for(lambda: worker.status.state == "running")
        assert worker.controllers() == {"J": "hostcity", "K": "hostcity"}
        worker.set_controller("K", "max-pressure")
        _wait_for(lambda: ("K", "max-pressure") in run.applied)
    finally:
        worker.stop()
    assert run.applied[:2] == [("J", "hostcity"), ("K", "hostcity")]


def test_without_signal_control_junctions_fall_back_to_fixed(platform: Platform) -> None:
    run = ScriptedRun(length_s=1e9, control=False)
    worker = TwinWorker(
        _service(platform), lambda: run, scenario="s", speed=50.0, default_controller="hostcity"
    )
    worker.start()
    try:
        _wait_for(lambda: worker.status.state.startswith("running"))
        assert "signal control is not installed" in worker.status.state
        assert worker.controllers() == {"J": "fixed", "K": "fixed"}
        assert worker.available_controllers() == ["fixed"]
        with pytest.raises(DependencyError):
            worker.set_controller("J", "hostcity")
    finally:
        worker.stop()


def test_a_failure_while_making_the_run_is_retried(platform: Platform) -> None:
    attempts = {"n": 0}

    def make_run() -> ScriptedRun:
        attempts["n"] += 1
        if attempts["n"] == 1:
            raise DependencyError("scenario loader missing")
        return ScriptedRun()

    worker = TwinWorker(_service(platform), make_run, scenario="s", speed=1e6, backoff_s=0.01)
    worker.start()
    try:
        _wait_for(lambda: worker.status.runs >= 1)
    finally:
        worker.stop()
    assert worker.status.restarts == 1
    assert worker.status.last_error == "DependencyError: scenario loader missing"


class NetworkRun(ScriptedRun):
    """A scripted run that names the SUMO network it simulates, as ``SumoTwinRun`` does."""

    net_file = Path("city.net.xml")


@pytest.mark.parametrize(
    ("run_kind", "expected"),
    [
        pytest.param(NetworkRun, Path("city.net.xml"), id="with-net-file"),
        pytest.param(ScriptedRun, None, id="without-net-file"),
    ],
)
def test_the_service_learns_the_network_file_of_the_run(
    platform: Platform, run_kind: type[ScriptedRun], expected: Path | None
) -> None:
    service = _service(platform)
    worker = TwinWorker(service, lambda: run_kind(length_s=1e9), scenario="s", speed=50.0)
    worker.start()
    try:
        _wait_for(lambda: worker.status.state.startswith("running"))
    finally:
        worker.stop()
    assert service.net_file == expected
    assert [d.detector_id for d in service.detectors] == ["loop"]


class FineRun(ScriptedRun):
    """Reads its loop every 10 s: 1 vehicle, half occupied, 4 s of green each read."""

    interval_s = 10.0

    def read_detectors(self, begin_s: float, end_s: float) -> list[DetectorReading]:
        return [DetectorReading("loop", begin_s, end_s, 1, 50.0, 8.0, 4.0, end_s % 20 == 0)]


def test_each_read_goes_live_and_a_stored_reading_covers_store_every_s(
    platform: Platform,
) -> None:
    service = _service(platform)
    subscription = service.hub.subscribe()
    worker = TwinWorker(
        service, FineRun, scenario="fine", speed=1e6, stop_after_sim_s=120.0, store_every_s=60.0
    )  # the run's states and status events fit in the subscription's queue too
    worker.start()
    try:
        _wait_for(lambda: worker.join(0.05))
    finally:
        worker.stop()
    live = []
    while (event := subscription.get(0.01)) is not None:
        if event.kind == "loop_reads":
            live += event.data["observations"]
    subscription.close()
    assert len(live) == 12  # every 10 s read of 120 s, pushed and not stored
    assert {item["green_s"] for item in live} == {4.0}
    stored = sorted(service.recent(limit=100), key=lambda o: o.observed_from)
    assert len(stored) == 2
    for reading in stored:
        assert (reading.observed_to - reading.observed_from).total_seconds() == 60
        # six reads summed: 6 vehicles in a minute, occupancy the mean, green added up
        assert reading.intensity_veh == 6
        assert reading.occupancy == pytest.approx(0.5)
        assert reading.green_s == 24.0


class CompressedRun(FineRun):
    """The demo city's pace: each simulated second stands for four clock seconds."""

    time_compression = 4.0


def _run_to_end(worker: TwinWorker) -> None:
    worker.start()
    try:
        _wait_for(lambda: worker.join(0.05))
    finally:
        worker.stop()


def test_a_compressed_run_stores_readings_on_the_clock_of_its_day(platform: Platform) -> None:
    service = _service(platform)
    subscription = service.hub.subscribe()
    _run_to_end(
        TwinWorker(
            service,
            CompressedRun,
            scenario="day",
            speed=1e6,
            stop_after_sim_s=120.0,
            store_every_s=60.0,
        )
    )
    live, notes = [], []
    while (event := subscription.get(0.01)) is not None:
        if event.kind == "loop_reads":
            live += event.data["observations"]
            notes.append(event.data.get("clock"))
    subscription.close()
    midnight = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    stored = sorted(service.recent(limit=100), key=lambda o: o.observed_from)
    # simulated 100-160 s and 160-220 s of the day: clock 400-640 s and 640-880 s after midnight
    assert [(o.observed_from - midnight).total_seconds() for o in stored] == [400.0, 640.0]
    for reading in stored:
        assert (reading.observed_to - reading.observed_from).total_seconds() == 240
        assert reading.intensity_veh == 24  # 6 vehicles a simulated minute: 24 in four minutes
        assert reading.flow_veh_per_h == pytest.approx(360.0)  # the hour's flow is kept
        assert reading.green_s == 96.0
        assert reading.occupancy == pytest.approx(0.5)
    # live reads keep the twin's own seconds (incident detection reads them as traffic time)
    assert len(live) == 12
    assert {parse_iso(o["observed_to"]) - parse_iso(o["observed_from"]) for o in live} == {
        timedelta(seconds=10)
    }
    assert {o["intensity_veh"] for o in live} == {1}
    # and say how their times go on the stored clock: the read ending at 220 s ends with them
    restate = restater(notes[-1])
    assert restate is not None
    assert restate(parse_iso(live[-1]["observed_to"])) == stored[-1].observed_to


@pytest.mark.parametrize(
    ("run_kind", "pace"), [(FineRun, "own pace"), (CompressedRun, "a day's clock")]
)
def test_a_new_worker_continues_after_the_stored_readings(
    platform: Platform, run_kind: type[FineRun], pace: str
) -> None:
    service = _service(platform)
    for _ in range(2):  # two servers, one after the other, on one database
        worker = TwinWorker(
            service, run_kind, scenario="s", speed=1e6, stop_after_sim_s=120.0, store_every_s=60.0
        )
        _run_to_end(worker)
    windows = sorted((o.observed_from, o.observed_to) for o in service.recent(limit=100))
    assert len(windows) == 4, pace
    for (_, previous_end), (start, _) in itertools.pairwise(windows):
        assert start >= previous_end, pace
