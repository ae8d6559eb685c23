"""The demo's forecasts: a job records the demo city's loops in a child process, then trains."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from hostcity.api.app import create_app
from hostcity.brain.forecast import demo
from hostcity.brain.forecast.adapters.history_child import ChildRequest, HistoryChildren
from hostcity.brain.forecast.adapters.twin_store import StoreHistory
from hostcity.brain.forecast.errors import ForecastPreparingError, HistoryRecordingError
from hostcity.brain.forecast.service import ForecastService
from hostcity.brain.forecast.setup import SERVICE
from hostcity.brain.twin.ngsi import reading_to_entity
from hostcity.brain.twin.service import TwinService
from hostcity.brain.twin.types import DetectorReading, DetectorSpec
from hostcity.core.db import session_scope
from hostcity.core.errors import NotFoundError
from hostcity.core.jobs import JobContext, list_jobs
from hostcity.core.platform import Platform, open_platform
from hostcity.core.settings import Settings
from tests.conftest import auth

HOURS = 8.0
HISTORY_START = datetime(2026, 3, 2, tzinfo=UTC)


def _with_history(settings: Settings, days: int, hours: float | None) -> Settings:
    brain = settings.brain.model_copy(
        update={"demo_history_days": days, "demo_history_hours": hours}
    )
    return settings.model_copy(update={"brain": brain})


@pytest.fixture
def demo_platform(settings: Settings) -> Iterator[Platform]:
    """A platform whose demo records 8 hours of history (one day's first hours)."""
    opened = open_platform(_with_history(settings, 1, HOURS))
    yield opened
    opened.close()


def _job_id(line: str) -> str:
    return line.split("(job ", 1)[1].split(")", 1)[0].split(";", 1)[0]


def _demo_jobs(platform: Platform) -> int:
    with session_scope(platform.session_factory) as session:
        return len(list_jobs(session, kind=demo.JOB_KIND))


def _use_children(platform: Platform, children: HistoryChildren) -> None:
    """Run the demo job with ``children`` (a fake child command) instead of the real recorder."""
    platform.jobs.registry.register(demo.JOB_KIND, demo.DemoForecastJob(children))


def _fake_history(platform: Platform, *, steps: int, loops: int = 4) -> None:
    """``steps`` five-minute readings of ``loops`` located loops (source 'history'), and later
    live-twin readings that training on the recorded history must leave out."""
    rng = np.random.default_rng(5)
    specs = [
        DetectorSpec(f"loop{i}", "j", f"e{i}_0", f"e{i}", 0, 50.0, (13.40 + 0.001 * i, 52.5))
        for i in range(loops)
    ]
    twin = TwinService(platform.session_factory)
    batch = []
    for k in range(steps):
        for i, spec in enumerate(specs):
            flow = 20 + 10 * np.sin(k / 12) + i + rng.normal(0, 1)
            reading = DetectorReading(spec.detector_id, k * 300.0, (k + 1) * 300.0, round(flow),
                                      10.0, 12.0 - 0.1 * flow)  # fmt: skip
            batch.append(reading_to_entity(reading, spec, epoch=HISTORY_START))
    twin.ingest(batch, source="history")
    later = HISTORY_START + timedelta(days=3)
    live = [
        reading_to_entity(DetectorReading(s.detector_id, 0.0, 60.0, 900, 90.0, 1.0), s, epoch=later)
        for s in specs
    ]
    twin.ingest(live, source="twin")


def _fan(platform: Platform) -> dict[str, str]:
    from hostcity.core.auth import Role, create_user

    with session_scope(platform.session_factory) as session:
        token = create_user(session, name="test fan", role=Role.FAN).token
    return auth(token)


FAILING_CHILD = [
    sys.executable,
    "-c",
    "import sys; sys.stdin.readline(); sys.stderr.write('libsumo exploded\\n'); sys.exit(3)",
]


def test_seeder_queues_recording_and_says_forecasts_are_being_prepared(
    demo_platform: Platform,
) -> None:
    started = threading.Event()
    release = threading.Event()

    def slow_job(ctx: JobContext, params: Mapping[str, Any]) -> dict[str, Any]:
        ctx.progress(0.4, "recording detector history: day 1/1 Mon 02 Mar (weekday)")
        started.set()
        release.wait(30)
        return {"params": dict(params)}

    demo_platform.jobs.registry.register(demo.JOB_KIND, slow_job)
    lines = demo.seed_demo(demo_platform)
    assert len(lines) == 1
    assert "recording 8 h of the demo city's loops" in lines[0]
    service: ForecastService = demo_platform.service(SERVICE)
    try:
        assert started.wait(30)
        with pytest.raises(ForecastPreparingError, match=r"being prepared: 40% \(recording"):
            service.overview()
        with TestClient(create_app(demo_platform.settings, platform=demo_platform)) as client:
            response = client.get("/api/brain/forecasts/congestion", headers=_fan(demo_platform))
        assert response.status_code == 503
        assert response.json()["error"] == "forecast_preparing"
        assert response.json()["message"].startswith("forecasts are being prepared: 40%")
    finally:
        release.set()
    view = demo_platform.jobs.wait(_job_id(lines[0]), timeout_s=30)
    params = view.result["params"] if view.result else {}
    assert params["days"] == 1
    assert params["hours"] == HOURS
    assert params["record"] is True


def test_with_recorded_history_the_job_only_trains_and_a_restart_does_nothing(
    demo_platform: Platform,
) -> None:
    _fake_history(demo_platform, steps=96)
    _use_children(demo_platform, HistoryChildren(FAILING_CHILD))  # would fail if started
    lines = demo.seed_demo(demo_platform)
    assert "training on the recorded history" in lines[0]
    view = demo_platform.jobs.wait(_job_id(lines[0]), timeout_s=120)
    assert view.error is None, view.error
    assert view.result is not None
    assert "history" not in view.result
    backtest = view.result["backtest"]
    assert backtest["detectors"] == 4
    assert {"last_value", "ridge"} <= set(backtest["mae"])
    service: ForecastService = demo_platform.service(SERVICE)
    model = service.overview()["model"]
    assert model["data"]["source"] == "observation store (history)"
    # trained on the recorded readings only: the live twin's later ones are left out
    assert model["data"]["end"] < (HISTORY_START + timedelta(days=1)).isoformat()
    assert model["data"]["steps"] >= 90

    again = demo.seed_demo(demo_platform)
    assert again == [
        f"forecast: using the model trained on the demo city's loops ({model['version']})"
    ]
    assert _demo_jobs(demo_platform) == 1


def test_too_little_history_is_recorded_again(demo_platform: Platform) -> None:
    _fake_history(demo_platform, steps=40)  # 8 h asked for, 40 steps (3 h 20 min) there
    _use_children(demo_platform, HistoryChildren(FAILING_CHILD))
    lines = demo.seed_demo(demo_platform)
    assert "recording 8 h" in lines[0]
    demo_platform.jobs.wait(_job_id(lines[0]), timeout_s=60)


def test_a_failing_child_fails_the_job_with_its_exit_code_and_log(
    demo_platform: Platform,
) -> None:
    _use_children(demo_platform, HistoryChildren(FAILING_CHILD))
    lines = demo.seed_demo(demo_platform)
    view = demo_platform.jobs.wait(_job_id(lines[0]), timeout_s=60)
    assert view.status.value == "failed"
    assert view.error is not None
    assert "exited with code 3" in view.error
    assert "libsumo exploded" in view.error
    assert "recorder.log" in view.error  # the hint names the log
    service: ForecastService = demo_platform.service(SERVICE)
    with pytest.raises(NotFoundError, match="preparing the demo forecasts failed: the history"):
        service.overview()


def test_the_child_reports_its_own_error_clearly(settings: Settings, tmp_path: Path) -> None:
    request = ChildRequest(
        database_url=settings.resolved_database_url,
        workdir=str(tmp_path / "work"),
        scenario=str(tmp_path / "missing.sumocfg"),
        days=1,
        hours=1.0,
    )
    with pytest.raises(HistoryRecordingError) as raised:
        HistoryChildren().record(request, log_file=tmp_path / "child.log")
    assert "recording detector history failed: scenario file" in raised.value.message
    assert "does not exist" in raised.value.message
    assert raised.value.hint is not None and ".sumocfg" in raised.value.hint


def test_stopping_ends_a_running_child_at_once(tmp_path: Path) -> None:
    waits = (
        "import sys, time; sys.stdin.readline(); "
        'print(\'{"progress": 0.5, "message": "half"}\', flush=True); time.sleep(120)'
    )
    children = HistoryChildren([sys.executable, "-c", waits])
    seen: list[tuple[float, str]] = []
    outcome: list[BaseException] = []

    def record() -> None:
        request = ChildRequest(
            database_url="sqlite://", workdir=str(tmp_path), scenario="demo", days=1
        )
        try:
            children.record(
                request, log_file=tmp_path / "child.log", progress=lambda f, m: seen.append((f, m))
            )
        except HistoryRecordingError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=record)
    thread.start()
    deadline = time.monotonic() + 30
    while not seen and time.monotonic() < deadline:
        time.sleep(0.05)
    assert seen == [(0.5, "half")]
    started = time.monotonic()
    children.stop()
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert time.monotonic() - started < 5
    assert len(outcome) == 1 and "server is shutting down" in str(outcome[0])


def test_no_demo_history_days_queues_nothing(settings: Settings) -> None:
    platform = open_platform(_with_history(settings, 0, None))
    try:
        lines = demo.seed_demo(platform)
        assert "HOSTCITY_BRAIN__DEMO_HISTORY_DAYS=0" in lines[0]
        assert _demo_jobs(platform) == 0
    finally:
        platform.close()


@pytest.mark.slow
def test_the_job_records_the_demo_citys_loops_in_a_child_and_trains_on_them(
    demo_platform: Platform,
) -> None:
    lines = demo.seed_demo(demo_platform)
    view = demo_platform.jobs.wait(_job_id(lines[0]), timeout_s=500)
    assert view.error is None, view.error
    assert view.result is not None
    recorded = view.result["history"]
    loops = StoreHistory(demo_platform.session_factory, source="history").detector_ids()
    assert recorded["steps"] == HOURS * 12
    assert recorded["detectors"] == len(loops) > 50  # a loop on every signalised approach
    assert recorded["stored"] == recorded["steps"] * len(loops)
    service: ForecastService = demo_platform.service(SERVICE)
    overview = service.overview()
    assert overview["detectors"] == loops
    assert overview["model"]["version"] == view.result["model"]["version"]
    assert overview["model"]["data"]["source"] == "observation store (history)"
    mae = view.result["backtest"]["mae"]
    assert {"last_value", "ridge", "graph_mlp"} <= set(mae)
    assert all(0 < v < 50 for v in mae.values())
    assert demo.seed_demo(demo_platform)[0].startswith("forecast: using the model trained")
    assert _demo_jobs(demo_platform) == 1
