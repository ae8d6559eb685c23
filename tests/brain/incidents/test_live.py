"""Live detection on the twin's observation stream: learn, then raise stored incidents."""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from hostcity.brain.incidents import setup
from hostcity.brain.incidents.adapters.live_runner import (
    LiveIncidentWorker,
    reading_from_event,
    watched,
)
from hostcity.brain.incidents.detector import DISMISS_STEP, DetectorConfig
from hostcity.brain.incidents.live import LiveDetection, StreamReading, graph_from_lanes, to_sample
from hostcity.brain.incidents.service import IncidentService
from hostcity.brain.twin.live import LiveHub
from hostcity.brain.twin.types import Observation
from hostcity.core.db import session_scope
from hostcity.core.errors import InputError
from hostcity.core.platform import Platform, open_platform
from hostcity.core.settings import Settings

EPOCH = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
INTERVAL_S = 10
LANES = {"d-a_0": ("a", "a_0"), "d-a_1": ("a", "a_1")}


def _observation(det: str, end_s: int, **fields: Any) -> dict[str, Any]:
    end = EPOCH + timedelta(seconds=end_s)
    return Observation(
        det, end - timedelta(seconds=INTERVAL_S), end, source="twin", **fields
    ).to_dict()


def _cycle(
    start_s: int, *, stalled: str | None = None, signals: bool = True
) -> list[dict[str, Any]]:
    """One 60 s cycle: 30 s green with traffic passing, 30 s red with a queue on the loops."""
    batches = []
    for step in range(6):
        end_s = start_s + (step + 1) * INTERVAL_S
        green = step < 3
        for det in LANES:
            standing = det == stalled or not green
            extra = {"green_s": 10.0 if green else 0.0, "occupied_now": standing}
            batches.append(
                _observation(
                    det,
                    end_s,
                    intensity_veh=0.0 if standing else 2.0,
                    occupancy=1.0 if standing else 0.3,
                    speed_mps=None if standing else 10.0,
                    **(extra if signals else {}),
                )
            )
    return batches


@pytest.fixture
def service(incidents_platform: Platform) -> IncidentService:
    found: IncidentService = incidents_platform.service(setup.SERVICE)
    return found


def _worker(service: IncidentService, hub: LiveHub | None = None) -> LiveIncidentWorker:
    subscribe = (hub or LiveHub()).subscribe
    return LiveIncidentWorker(service, subscribe, lambda: graph_from_lanes(LANES), warmup_s=600.0)


def test_a_stall_through_green_becomes_a_stored_incident(service: IncidentService) -> None:
    worker = _worker(service)
    assert service.exercises.learning_left_s is None  # nothing read yet
    worker.handle(_cycle(0))
    left = service.exercises.learning_left_s
    assert left is not None and 0 < left < 600  # exercises say how long detection still learns
    for cycle in range(1, 12):  # 720 s: the warm-up, then normal traffic
        assert worker.handle(_cycle(cycle * 60)) == []
    assert worker.detection is not None and not worker.detection.learning
    assert service.exercises.learning_left_s == 0
    alarms = worker.handle(_cycle(720, stalled="d-a_0"))
    assert [a.detector_id for a in alarms] == ["d-a_0"]
    assert "stopped_through_green" in alarms[0].evidence
    with service.session_factory() as session:
        [incident] = service.incidents(session, status="open")
    assert incident.detector_id == "d-a_0"
    # raised at the end of the first interval that brings the green stood through to the floor
    needed_s = DetectorConfig().min_green_stuck_s
    first_s = 720 + INTERVAL_S * math.ceil(needed_s / INTERVAL_S)
    assert incident.raised_at == EPOCH + timedelta(seconds=first_s)


def test_a_dismissal_or_a_reset_tunes_the_running_detection(service: IncidentService) -> None:
    subscribe = LiveHub().subscribe
    worker = LiveIncidentWorker(
        service, subscribe, lambda: graph_from_lanes(LANES), warmup_s=600.0, damping_refresh_s=0.0
    )
    for cycle in range(12):
        worker.handle(_cycle(cycle * 60))
    assert worker.handle(_cycle(720, stalled="d-a_0"))
    with session_scope(service.session_factory) as session:
        [incident] = service.incidents(session, status="open")
        service.decide(session, incident.id, "dismiss")
    worker.handle(_cycle(780))  # the next batch reads what the operator decided
    assert worker.detection is not None and worker.detection.detector is not None
    assert worker.detection.detector.damping == {"d-a_0": DISMISS_STEP}
    with session_scope(service.session_factory) as session:
        service.reset_damping(session, "d-a_0")
    worker.handle(_cycle(840))
    assert worker.detection.detector.damping == {}


def test_incident_times_go_on_the_clock_of_the_stored_readings(service: IncidentService) -> None:
    from hostcity.brain.twin.clock import TwinClock, clock_note

    day = TwinClock(datetime(2026, 3, 2, tzinfo=UTC), 4.0)  # the demo city's day, 4x compressed
    note = clock_note(TwinClock(EPOCH), day)  # the reads keep the twin's own seconds
    worker = _worker(service)
    for cycle in range(12):
        worker.handle(_cycle(cycle * 60), clock=note)
    alarms = worker.handle(_cycle(720, stalled="d-a_0"), clock=note)
    assert [a.detector_id for a in alarms] == ["d-a_0"]
    with service.session_factory() as session:
        [incident] = service.incidents(session, status="open")
    needed_s = DetectorConfig().min_green_stuck_s
    first_s = 720 + INTERVAL_S * math.ceil(needed_s / INTERVAL_S)  # as without a clock
    assert incident.raised_at == day.at(first_s)  # the stored readings' time of that moment
    assert incident.started_at <= incident.raised_at


def test_the_worker_listens_to_the_hub_in_its_thread(service: IncidentService) -> None:
    hub = LiveHub()
    worker = _worker(service, hub)
    worker.start()
    try:
        for cycle in range(13):
            stalled = "d-a_1" if cycle == 12 else None
            hub.publish("observations", {"observations": _cycle(cycle * 60, stalled=stalled)})
        deadline = time.monotonic() + 10.0
        while worker.raised == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        worker.stop()
    assert worker.raised == 1
    assert hub.subscriber_count == 0


def test_sensors_without_signal_fields_still_work(service: IncidentService) -> None:
    worker = _worker(service)
    for cycle in range(12):
        worker.handle(_cycle(cycle * 60, signals=False))
    alarms = []
    for cycle in range(12, 20):
        alarms += worker.handle(_cycle(cycle * 60, stalled="d-a_0", signals=False))
    assert alarms and alarms[0].detector_id == "d-a_0"
    assert "stopped_through_green" not in alarms[0].evidence


def test_an_unknown_sensor_gets_its_own_node() -> None:
    detection = LiveDetection(graph_from_lanes(LANES), warmup_s=60.0)
    reading = StreamReading("loop-9", EPOCH, EPOCH + timedelta(seconds=60), 3.0, 0.1, 9.0, "via", 1)
    detection.add_unknown([reading])
    assert (detection.graph["loop-9"].edge_id, detection.graph["loop-9"].lane_id) == (
        "via",
        "via_1",
    )


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"intensity_veh": None}, id="no-count"),
        pytest.param({"occupancy": None}, id="no-occupancy"),
        pytest.param({"observed_from": EPOCH + timedelta(seconds=60)}, id="no-window"),
    ],
)
def test_readings_the_detector_cannot_use_are_skipped(changes: dict[str, Any]) -> None:
    fields: dict[str, Any] = {
        "detector_id": "d",
        "observed_from": EPOCH,
        "observed_to": EPOCH + timedelta(seconds=60),
        "intensity_veh": 3.0,
        "occupancy": 0.1,
    }
    assert to_sample(StreamReading(**fields), clock_origin=EPOCH) is not None
    assert to_sample(StreamReading(**{**fields, **changes}), clock_origin=EPOCH) is None


def test_a_malformed_event_item_is_ignored() -> None:
    assert reading_from_event({"detector_id": "d"}) is None
    assert reading_from_event({**_observation("d", 10), "observed_to": "soon"}) is None


def test_a_warmup_must_be_positive() -> None:
    with pytest.raises(InputError):
        LiveDetection({}, warmup_s=0.0)


@pytest.mark.parametrize(
    "twin", [pytest.param(True, id="twin-on"), pytest.param(False, id="twin-off")]
)
def test_live_detection_runs_with_or_without_the_twin(settings: Settings, twin: bool) -> None:
    """Without the twin it watches real sensors (tests/brain/incidents/test_live_sensors.py)."""
    changed = settings.model_copy(
        update={"brain": settings.brain.model_copy(update={"twin_enabled": twin})}
    )
    opened = open_platform(changed)
    try:
        names = [worker.name for worker in opened.workers]
    finally:
        opened.close()
    assert names.count(LiveIncidentWorker.name) == 1


def test_the_twin_is_watched_through_its_loop_reads_and_other_sensors_as_stored() -> None:
    assert watched("loop_reads", {"source": "twin"})
    assert not watched("observations", {"source": "twin"})  # the same reads, coarser
    assert watched("observations", {"source": "api"})
    assert watched("observations", {})
    assert not watched("state", {})
