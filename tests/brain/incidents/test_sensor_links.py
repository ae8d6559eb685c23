"""Real sensors linked by the city's sensor graph (brain.sensor_graph) in live detection."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from hostcity.api.app import create_app
from hostcity.brain.incidents.adapters.live_runner import LiveIncidentWorker
from hostcity.brain.incidents.live import LiveDetection, StreamReading, to_sample
from hostcity.brain.incidents.types import Alarm
from hostcity.brain.twin.sensor_graph import SensorLink
from hostcity.core.errors import ConfigError
from hostcity.core.platform import open_platform
from hostcity.core.settings import Settings
from tests.brain.twin.entities import entity
from tests.conftest import auth, role_tokens

EPOCH = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
CHAIN = [SensorLink("up", "down", 400.0)]


def _reading(det: str, minute: int, vehicles: float, occupancy: float, road: str) -> StreamReading:
    end = EPOCH + timedelta(minutes=minute + 1)
    return StreamReading(det, end - timedelta(minutes=1), end, vehicles, occupancy, 12.0, road, 0)


def _run(links: list[SensorLink], *, up_after: float, down_after: list[float]) -> list[Alarm]:
    """Half an hour of steady traffic on both sensors, then the given counts per minute."""
    detection = LiveDetection({}, warmup_s=1800.0, links=links)
    alarms: list[Alarm] = []
    for minute in range(30 + len(down_after)):
        after = minute - 30
        up = 12.0 if after < 0 else up_after
        down = 12.0 if after < 0 else down_after[after]
        readings = [
            _reading("up", minute, up, 0.2 if up else 0.0, "road-a"),
            _reading("down", minute, down, 0.2 if down else 0.0, "road-b"),
        ]
        detection.add_unknown(readings)
        samples = [to_sample(r, clock_origin=EPOCH) for r in readings]
        alarms += detection.feed(s for s in samples if s is not None)
    return alarms


def test_linked_sensors_know_their_neighbours_up_down_and_beside() -> None:
    detection = LiveDetection({}, links=[*CHAIN, SensorLink("down", "far")])
    detection.add_unknown(
        [
            _reading("down", 0, 5.0, 0.1, "road-b"),
            _reading("down-2", 0, 5.0, 0.1, "road-b"),
            _reading("up", 0, 5.0, 0.1, "road-a"),
        ]
    )
    down, beside, up = (detection.graph[d] for d in ("down", "down-2", "up"))
    assert (down.upstream, down.downstream) == (("up",), ("far",))
    assert (up.upstream, up.downstream) == ((), ("down",))
    assert down.neighbours == down.peers == ("down-2",)
    assert beside.neighbours == beside.peers == ("down",)
    assert up.neighbours == ()


def test_a_demand_drop_seen_upstream_is_no_incident() -> None:
    """Traffic thins upstream and the next sensor sees nobody for a few minutes: without the
    link that looks like a blocked road, with it the detector sees that demand dropped."""
    quiet_then_back = [0.0] * 8 + [1.0] * 12
    unlinked = _run([], up_after=1.0, down_after=quiet_then_back)
    assert [a.detector_id for a in unlinked] == ["down"]
    assert _run(CHAIN, up_after=1.0, down_after=quiet_then_back) == []


def test_a_blockage_between_linked_sensors_is_raised() -> None:
    alarms = _run(CHAIN, up_after=12.0, down_after=[0.0] * 10)
    assert [a.detector_id for a in alarms] == ["down"]
    assert alarms[0].evidence["flow_stopped"]["context_demand_ratio"] == 1.0


def test_posted_readings_are_linked_by_the_citys_graph(settings: Settings, tmp_path: Path) -> None:
    graph = tmp_path / "sensors.csv"
    graph.write_text("from,to,distance\ngantry-1,gantry-2,600\n")
    linked = settings.model_copy(
        update={"brain": settings.brain.model_copy(update={"sensor_graph": graph})}
    )
    platform = open_platform(linked)
    try:
        [worker] = [w for w in platform.workers if isinstance(w, LiveIncidentWorker)]
        tokens = role_tokens(platform)
        readings = [entity(det) for det in ("gantry-1", "gantry-2")]
        with TestClient(create_app(linked, platform=platform)) as client:
            answer = client.post(
                "/api/brain/observations", json=readings, headers=auth(tokens["operator"])
            )
            assert answer.status_code == 201
            listed = client.get("/api/brain/detectors", headers=auth(tokens["fan"])).json()
            assert [(d["id"], d["downstream"]) for d in listed["detectors"]] == [
                ("gantry-1", ["gantry-2"]),
                ("gantry-2", []),
            ]
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and (
                worker.detection is None or "gantry-2" not in worker.detection.graph
            ):
                time.sleep(0.05)
        assert worker.detection is not None, "live detection never saw the readings"
        assert worker.detection.graph["gantry-2"].upstream == ("gantry-1",)
        assert worker.detection.graph["gantry-1"].downstream == ("gantry-2",)
    finally:
        platform.close()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(None, "no graph file at", id="missing"),
        pytest.param("from,to\ngantry-1,gantry-1\n", "linked to itself", id="self-link"),
    ],
)
def test_a_bad_sensor_graph_stops_startup_naming_the_setting(
    settings: Settings, tmp_path: Path, content: str | None, message: str
) -> None:
    graph = tmp_path / "sensors.csv"
    if content is not None:
        graph.write_text(content)
    broken = settings.model_copy(
        update={"brain": settings.brain.model_copy(update={"sensor_graph": graph})}
    )
    with pytest.raises(ConfigError, match=f"HOSTCITY_BRAIN__SENSOR_GRAPH: .*{message}") as caught:
        open_platform(broken)
    assert "unset HOSTCITY_BRAIN__SENSOR_GRAPH" in str(caught.value)
