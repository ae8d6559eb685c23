"""Live incident detection watches real sensors' readings too, with the twin off."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient

from hostcity.brain.incidents.adapters.live_runner import LiveIncidentWorker
from hostcity.core.platform import Platform
from tests.brain.twin.entities import entity
from tests.conftest import auth


def test_posted_readings_reach_live_detection_without_the_twin(
    platform: Platform, client: TestClient, tokens: dict[str, str]
) -> None:
    assert not platform.settings.brain.twin_enabled
    [worker] = [w for w in platform.workers if isinstance(w, LiveIncidentWorker)]
    readings = [
        entity(
            "gantry-7",
            dateObservedFrom=f"2026-02-10T08:{m:02d}:00Z",
            dateObservedTo=f"2026-02-10T08:{m + 1:02d}:00Z",
        )
        for m in range(10)
    ]
    answer = client.post("/api/brain/observations", json=readings, headers=auth(tokens["operator"]))
    assert answer.status_code == 201
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        detection = worker.detection
        if detection is not None and detection.learned_s >= 600:
            break
        time.sleep(0.05)
    assert worker.detection is not None, "live detection never saw the readings"
    assert "gantry-7" in worker.detection.graph
    assert worker.detection.learned_s == 600  # ten minutes of the detector's learning
