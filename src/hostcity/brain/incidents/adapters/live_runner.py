"""Runs incident detection on the observations the twin (or a real sensor feed) publishes."""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.exc import SQLAlchemyError

from hostcity.brain.incidents.live import LiveDetection, StreamReading, to_sample
from hostcity.brain.incidents.service import IncidentService
from hostcity.brain.incidents.types import Alarm, DetectorNode
from hostcity.brain.twin.clock import restater
from hostcity.brain.twin.sensor_graph import SensorLink
from hostcity.brain.twin.service import LOOP_READS
from hostcity.core.errors import HostCityError
from hostcity.core.timeutil import parse_iso

log = logging.getLogger(__name__)

OBSERVATIONS = "observations"
"""The event kind the twin's service publishes for each stored batch."""
DAMPING_REFRESH_S = 5.0
"""Wall seconds between two reads of the operators' damping, so a dismissal (or a reset)
tunes the running detection within seconds."""


class EventLike(Protocol):
    """An event of the twin's live hub."""

    kind: str
    data: dict[str, Any]


class SubscriptionLike(Protocol):
    """A subscription to the twin's live hub."""

    def get(self, timeout_s: float) -> EventLike | None:
        """The next event, or None after ``timeout_s``."""

    def wake(self) -> None:
        """Return a waiting ``get`` at once."""

    def close(self) -> None:
        """Stop listening."""


def watched(kind: str, data: Mapping[str, Any]) -> bool:
    """Whether live detection reads this hub event: the twin's loop reads, and stored batches
    from every other source (the twin's stored readings repeat its reads, coarser)."""
    return kind == LOOP_READS or (kind == OBSERVATIONS and data.get("source") != "twin")


def reading_from_event(item: Mapping[str, Any]) -> StreamReading | None:
    """One observation of an ``observations`` event (``Observation.to_dict``); None if bad."""
    try:
        return StreamReading(
            detector_id=str(item["detector_id"]),
            observed_from=parse_iso(str(item["observed_from"])),
            observed_to=parse_iso(str(item["observed_to"])),
            intensity_veh=_number(item.get("intensity_veh")),
            occupancy=_number(item.get("occupancy")),
            speed_mps=_number(item.get("speed_mps")),
            road_segment=item.get("road_segment"),
            lane_index=item.get("lane_id"),
            green_s=_number(item.get("green_s")),
            occupied_now=item.get("occupied_now"),
        )
    except (KeyError, ValueError, TypeError):
        return None


def _number(raw: Any) -> float | None:
    return None if raw is None else float(raw)


class LiveIncidentWorker:
    """Feeds each published batch to a ``LiveDetection`` and stores the alarms as incidents.

    Args:
        service: Where alarms become incidents (and webhooks fire).
        subscribe: Opens a subscription to the live hub (the twin service's ``hub.subscribe``).
        graph: Builds the known detectors' graph, called when the first batch comes (the
            twin places its loops when its run opens); ``adapters.sumo_graph.live_graph``
            links them along the twin's network, as the evaluation does.
        warmup_s: Stream time learned from before the first alarm.
        damping_refresh_s: Wall seconds between reads of the damping operators' dismissals set.
        links: The city's sensor graph (``brain.sensor_graph``), which links real sensors.
    """

    name = "brain.incidents.live"

    def __init__(
        self,
        service: IncidentService,
        subscribe: Callable[[], SubscriptionLike],
        graph: Callable[[], dict[str, DetectorNode]],
        *,
        warmup_s: float = 1800.0,
        damping_refresh_s: float = DAMPING_REFRESH_S,
        links: Sequence[SensorLink] = (),
    ) -> None:
        self.service = service
        self.links = links
        self.damping_refresh_s = damping_refresh_s
        self._damping_read_at: float | None = None
        self._subscribe = subscribe
        self._graph = graph
        self.warmup_s = warmup_s
        self.detection: LiveDetection | None = None
        self.raised = 0
        self._origin: datetime | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._subscription: SubscriptionLike | None = None

    def start(self) -> None:
        """Listen in a background thread."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        subscription = self._subscribe()
        self._subscription = subscription
        self._thread = threading.Thread(
            target=self._run, args=(subscription,), name=self.name, daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop listening (at once: the waiting read is woken)."""
        self._stop.set()
        if self._subscription is not None:
            self._subscription.wake()
            self._subscription = None
        if self._thread is not None:
            self._thread.join(timeout=5.0)
        self._thread = None

    def _run(self, subscription: SubscriptionLike) -> None:
        try:
            while not self._stop.is_set():
                event = subscription.get(0.5)
                if event is None or not watched(event.kind, event.data):
                    continue
                try:
                    self.handle(event.data.get(OBSERVATIONS) or [], clock=event.data.get("clock"))
                except HostCityError as exc:  # a full disk must not stop detection
                    log.warning("incident detection could not store alarms: %s", exc)
        finally:
            subscription.close()

    def handle(
        self, items: list[Mapping[str, Any]], *, clock: Mapping[str, Any] | None = None
    ) -> list[Alarm]:
        """Detect on one published batch (grouped by window end); returns the alarms raised.

        ``clock`` (the twin's ``clock_note``) places the stored incidents' times on the clock of
        the twin's stored readings; detection itself runs on the reads' own seconds.
        """
        readings = [r for item in items if (r := reading_from_event(item)) is not None]
        if not readings:
            return []
        detection = self._detection()
        self._refresh_damping(detection)
        detection.add_unknown(readings)
        if self._origin is None:
            first = min(r.observed_to for r in readings)
            self._origin = first.replace(hour=0, minute=0, second=0, microsecond=0)
        by_end: dict[datetime, list[StreamReading]] = defaultdict(list)
        for reading in readings:
            by_end[reading.observed_to].append(reading)
        alarms: list[Alarm] = []
        for end in sorted(by_end):
            samples = [to_sample(r, clock_origin=self._origin) for r in by_end[end]]
            alarms += detection.feed(s for s in samples if s is not None)
        self.service.exercises.learning_left_s = detection.warmup_s - detection.learned_s
        if alarms:
            self.service.record_alarms(
                alarms, clock_origin=self._origin, graph=detection.graph, restate=restater(clock)
            )
            self.raised += len(alarms)
        return alarms

    def _detection(self) -> LiveDetection:
        if self.detection is None:
            self.detection = LiveDetection(self._graph(), warmup_s=self.warmup_s, links=self.links)
        return self.detection

    def _refresh_damping(self, detection: LiveDetection) -> None:
        """Bring the running detection's damping up to what operators decided (in place: the
        detector shares the dictionary)."""
        now = time.monotonic()
        if (
            self._damping_read_at is not None
            and now - self._damping_read_at < self.damping_refresh_s
        ):
            return
        self._damping_read_at = now
        try:
            with self.service.session_factory() as session:
                latest = self.service.damping(session)
        except SQLAlchemyError as exc:  # detection goes on with the damping it has
            log.warning("incident detection could not read the damping: %s", exc)
            return
        if latest != detection.damping:
            detection.damping.clear()
            detection.damping.update(latest)
