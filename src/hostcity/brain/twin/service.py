"""The twin's service: ingest observation batches, read them back, and hold the live picture."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy.orm import Session, sessionmaker

from hostcity.brain.twin.adapters import store
from hostcity.brain.twin.live import LiveHub
from hostcity.brain.twin.ngsi import parse_batch
from hostcity.brain.twin.sensor_feed import SensorFeedBuffer
from hostcity.brain.twin.sensor_graph import SensorLink, links_by_detector
from hostcity.brain.twin.types import (
    CONTROLLER_NAMES,
    DetectorSpec,
    LiveState,
    NetworkGeometry,
    Observation,
    TwinStatus,
)
from hostcity.core.db import session_scope
from hostcity.core.errors import ConflictError, InputError, NotFoundError
from hostcity.core.timeutil import utcnow

log = logging.getLogger(__name__)

MAX_LIMIT = 1000
TWIN_RETENTION_S = 86_400.0
"""The twin writes a reading per loop per interval; a day of them is plenty for the UI."""
LOOP_READS = "loop_reads"
"""The hub event with each read of the twin's loops (live detection's stream)."""
PUSHED_PER_EVENT = 500


class ControllerSwitch(Protocol):
    """The running twin, as far as its status and switching controllers go."""

    @property
    def status(self) -> TwinStatus:
        """The twin's current status."""

    def controllers(self) -> dict[str, str]:
        """Controller in use per traffic light."""

    def available_controllers(self) -> list[str]:
        """Controller names the twin can run now."""

    def set_controller(self, tls_id: str, name: str) -> None:
        """Switch ``tls_id`` to ``name``."""


class BrokerPublisher(Protocol):
    """The connection to the city's MQTT broker, for other features to publish on."""

    def publish(self, topic: str, payload: bytes) -> None:
        """Send ``payload`` with QoS 1; held and sent on reconnection while the broker is away."""


@dataclass(frozen=True)
class IngestResult:
    """What a stored batch held."""

    stored: int
    detectors: list[str]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {"stored": self.stored, "detectors": self.detectors}


class TwinService:
    """Ingestion and live state of the twin; the API, the CLI and the worker all go through it."""

    def __init__(self, session_factory: sessionmaker[Session], *, hub: LiveHub | None = None):
        self.session_factory = session_factory
        self.hub = hub or LiveHub()
        self.status = TwinStatus(state="disabled")
        self.network: NetworkGeometry | None = None
        self.detectors: list[DetectorSpec] = []
        self.net_file: Path | None = None
        self.switch: ControllerSwitch | None = None
        self.run_hooks: list[Any] = []  # RunHooks: features acting in each simulation run
        self.feeds: list[SensorFeedBuffer] = []  # sensor feeds from brokers (brain.mqtt_url)
        self.broker: BrokerPublisher | None = None  # the feed's connection, to publish on
        self.sensor_links: tuple[SensorLink, ...] = ()  # the city's sensor graph

    # ingestion ------------------------------------------------------------------------------

    def ingest(self, payload: Any, *, source: str = "api") -> IngestResult:
        """Validate a batch of ``TrafficFlowObserved`` entities, store it whole, push it to the UI.

        Raises:
            ValidationFailed: naming the first bad entity and field; nothing is stored.
            StorageError: when the database refuses the write; nothing is stored.
        """
        return self.store_observations(parse_batch(payload, source=source), source=source)

    def store_observations(self, observations: list[Observation], *, source: str) -> IngestResult:
        """Store validated observations in one transaction, then push them to live listeners
        (the UI, live incident detection) in events of at most ``PUSHED_PER_EVENT``.

        Raises:
            StorageError: when the database refuses the write; nothing is stored.
        """
        with session_scope(self.session_factory) as session:
            stored = store.insert_observations(session, observations)
        for start in range(0, len(observations), PUSHED_PER_EVENT):
            chunk = observations[start : start + PUSHED_PER_EVENT]
            self.hub.publish(
                "observations",
                {
                    "count": len(chunk),
                    "source": source,
                    "observations": [o.to_dict() for o in chunk],
                },
            )
        return IngestResult(stored=stored, detectors=sorted({o.detector_id for o in observations}))

    def publish_loop_reads(self, payload: Any, *, clock: dict[str, Any] | None = None) -> int:
        """Validate the twin's latest loop reads and push them to live listeners; not stored.

        Live incident detection watches these (every ``brain.loop_interval_s``); the stored
        readings (``ingest``) cover ``brain.detector_interval_s`` each. Returns how many.

        Args:
            payload: The reads as NGSI-LD entities.
            clock: ``clock.clock_note`` when the reads keep the twin's own seconds while the
                stored readings are on a day's clock (the demo city).

        Raises:
            ValidationFailed: naming the first bad entity and field.
        """
        observations = parse_batch(payload, source="twin")
        data: dict[str, Any] = {
            "source": "twin",
            "observations": [o.to_dict() for o in observations],
        }
        if clock is not None:
            data["clock"] = clock
        self.hub.publish(LOOP_READS, data)
        return len(observations)

    def latest_end(self, *, source: str = "twin") -> datetime | None:
        """End of the newest stored observation window of ``source`` (None: nothing stored)."""
        with session_scope(self.session_factory) as session:
            return store.latest_end(session, source=source)

    def prune(self, *, source: str = "twin", keep_s: float = TWIN_RETENTION_S) -> int:
        """Delete observations of ``source`` older than ``keep_s`` seconds; returns how many."""
        cutoff = utcnow() - timedelta(seconds=keep_s)
        with session_scope(self.session_factory) as session:
            return store.delete_before(session, source=source, received_before=cutoff)

    def recent(self, *, detector_id: str | None = None, limit: int = 50) -> list[Observation]:
        """The newest observations first.

        Raises:
            InputError: for a limit outside 1 to 1000.
            NotFoundError: for a detector with no observation.
        """
        if not 1 <= limit <= MAX_LIMIT:
            raise InputError(f"limit must be 1 to {MAX_LIMIT}, got {limit}")
        with session_scope(self.session_factory) as session:
            found = store.recent_observations(session, detector_id=detector_id, limit=limit)
        if detector_id is not None and not found:
            raise NotFoundError(
                f"no observations for detector {detector_id!r}",
                hint="list detectors with GET /api/brain/detectors or 'hostcity brain detectors'",
            )
        return found

    def detector_list(self) -> list[dict[str, Any]]:
        """Every known detector (the twin's loops and any sensor that reported) with its latest
        reading and the detectors the city's sensor graph puts next downstream."""
        with session_scope(self.session_factory) as session:
            latest = {o.detector_id: o for o in store.latest_per_detector(session)}
        rows: dict[str, dict[str, Any]] = {}
        streets = {e.edge_id: e.name for e in self.network.edges} if self.network else {}
        for spec in self.detectors:
            rows[spec.detector_id] = {
                "id": spec.detector_id,
                "tls": spec.tls_id,
                "lane": spec.lane_id,
                "edge": spec.edge_id,
                "street": streets.get(spec.edge_id, ""),
                "pos_m": spec.pos_m,
                "latest": None,
            }
        for detector_id, observation in latest.items():
            row = rows.setdefault(
                detector_id,
                {"id": detector_id, "tls": None, "lane": None, "edge": observation.road_segment,
                 "street": streets.get(observation.road_segment or "", ""), "pos_m": None,
                 "latest": None},
            )  # fmt: skip
            row["latest"] = observation.to_dict()
        _upstream, downstream = links_by_detector(self.sensor_links)
        for detector_id, row in rows.items():
            row["downstream"] = list(downstream.get(detector_id, ()))
        return [rows[k] for k in sorted(rows)]

    # live picture ---------------------------------------------------------------------------

    def publish_state(self, state: LiveState) -> None:
        """Share a new live state with every open stream."""
        self.hub.publish("state", state.to_dict())

    def publish_status(self, status: TwinStatus) -> None:
        """Record and share the twin's status."""
        self.status = status
        self.hub.publish("status", status.to_dict())

    def twin_status(self) -> dict[str, Any]:
        """The twin's status: 'running', 'restarting: <reason>', 'disabled', ...

        ``network`` says whether the twin's road network is known (``/twin/network`` serves it).
        """
        status = self.switch.status if self.switch else self.status
        return {**status.to_dict(), "network": self.network is not None}

    def set_network(
        self,
        network: NetworkGeometry,
        detectors: list[DetectorSpec],
        *,
        net_file: Path | None = None,
    ) -> None:
        """Record the network the twin runs, where its loops are and, when known, its file.

        ``net_file`` (the SUMO network) lets features link the loops along the roads, as
        live incident detection does; runs without one leave it None.
        """
        self.network = network
        self.detectors = list(detectors)
        self.net_file = net_file

    def require_network(self) -> NetworkGeometry:
        """The twin's network.

        Raises:
            ConflictError: when the twin has not loaded a network (disabled or starting).
        """
        if self.network is None:
            raise ConflictError(
                f"the live twin has no network yet (status: {self.status.state})",
                hint="enable it with HOSTCITY_BRAIN__TWIN_ENABLED=true, or wait for it to start",
            )
        return self.network

    def live_state(self) -> dict[str, Any]:
        """The latest live state.

        Raises:
            ConflictError: before the twin's first step.
        """
        event = self.hub.latest("state")
        if event is None:
            raise ConflictError(
                f"the live twin has no state yet (status: {self.status.state})",
                hint="enable it with HOSTCITY_BRAIN__TWIN_ENABLED=true, or wait for it to start",
            )
        return event.data

    def junctions(self) -> list[dict[str, Any]]:
        """Every traffic light with the controller in use."""
        network = self.require_network()
        controllers = self.switch.controllers() if self.switch else {}
        return [{"tls": t, "controller": controllers.get(t, "fixed")} for t in network.tls_ids]

    def available_controllers(self) -> list[str]:
        """Controller names the twin can run now."""
        return self.switch.available_controllers() if self.switch else ["fixed"]

    def set_controller(self, tls_id: str, name: str) -> dict[str, Any]:
        """Switch one junction's controller.

        Raises:
            InputError: for an unknown controller name.
            NotFoundError: for an unknown traffic light.
            ConflictError: when the twin is not running.
        """
        if name not in CONTROLLER_NAMES:
            raise InputError(
                f"unknown controller {name!r}", hint=f"use one of: {', '.join(CONTROLLER_NAMES)}"
            )
        network = self.require_network()
        if tls_id not in network.tls_ids:
            raise NotFoundError(
                f"no traffic light {tls_id!r} in the twin's network",
                hint="list them with GET /api/brain/junctions",
            )
        if self.switch is None:
            raise ConflictError("the live twin is not running", hint="start it, then switch")
        self.switch.set_controller(tls_id, name)
        log.info("junction %s now runs controller %s", tls_id, name)
        return {"tls": tls_id, "controller": name}
