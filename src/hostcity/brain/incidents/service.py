"""The incident service: store alarms, operator decisions, CAP export, webhook fan-out."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from hostcity.brain.incidents.adapters.delivery import WebhookDispatcher
from hostcity.brain.incidents.adapters.exercise_store import ExerciseStore
from hostcity.brain.incidents.adapters.tables import DampingRow, IncidentRow, WebhookRow
from hostcity.brain.incidents.atom import FeedEntry, atom_index
from hostcity.brain.incidents.cap import CapIncident, cap_alert_xml
from hostcity.brain.incidents.detector import DISMISS_STEP, MAX_DAMPING
from hostcity.brain.incidents.exercise import ExerciseBook
from hostcity.brain.incidents.types import Alarm, DetectorNode, IncidentStatus
from hostcity.brain.incidents.webhooks import validate_webhook_url
from hostcity.core.db import session_scope
from hostcity.core.errors import ConflictError, InputError, NotFoundError
from hostcity.core.timeutil import utcnow

log = logging.getLogger(__name__)

SEVERITIES = ("minor", "moderate", "severe")
DEFAULT_SENDER = "city-brain@hostcity.local"
_OPEN = (IncidentStatus.RAISED.value, IncidentStatus.CONFIRMED.value)
_NEXT = {
    "confirm": (IncidentStatus.CONFIRMED, (IncidentStatus.RAISED,)),
    "dismiss": (IncidentStatus.DISMISSED, (IncidentStatus.RAISED, IncidentStatus.CONFIRMED)),
    "clear": (IncidentStatus.CLEARED, (IncidentStatus.RAISED, IncidentStatus.CONFIRMED)),
}


@dataclass(frozen=True)
class IncidentView:
    """An incident as callers see it."""

    id: int
    detector_id: str
    edge_id: str
    lane_id: str
    status: str
    severity: str
    confidence: float
    evidence: dict[str, Any]
    started_at: datetime
    raised_at: datetime
    updated_at: datetime
    lon_lat: tuple[float, float] | None
    xy: tuple[float, float] | None

    @classmethod
    def from_row(cls, row: IncidentRow) -> IncidentView:
        """Build a view of a stored incident."""
        return cls(
            id=row.id,
            detector_id=row.detector_id,
            edge_id=row.edge_id,
            lane_id=row.lane_id,
            status=row.status,
            severity=row.severity,
            confidence=row.confidence,
            evidence=dict(row.evidence or {}),
            started_at=row.started_at,
            raised_at=row.raised_at,
            updated_at=row.updated_at,
            lon_lat=(row.lon, row.lat) if row.lon is not None and row.lat is not None else None,
            xy=(row.x_m, row.y_m) if row.x_m is not None and row.y_m is not None else None,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {
            "id": self.id,
            "detector_id": self.detector_id,
            "edge_id": self.edge_id,
            "lane_id": self.lane_id,
            "status": self.status,
            "severity": self.severity,
            "confidence": self.confidence,
            "evidence": self.evidence,
            "started_at": self.started_at.isoformat(),
            "raised_at": self.raised_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "lon_lat": list(self.lon_lat) if self.lon_lat else None,
            "xy": list(self.xy) if self.xy else None,
            "cap_url": f"/api/brain/incidents/{self.id}/cap.xml",
        }

    def cap(self, sent_at: datetime, *, exercise: bool = False) -> CapIncident:
        """What the CAP alert of this incident says (``exercise``: an exercise staged it)."""
        return CapIncident(
            incident_id=self.id,
            edge_id=self.edge_id,
            lane_id=self.lane_id,
            severity=self.severity,
            confidence=self.confidence,
            status=self.status,
            started_at=self.started_at,
            sent_at=sent_at,
            lon_lat=self.lon_lat,
            exercise=exercise,
        )


class IncidentService:
    """Incidents, operator decisions and alert delivery, over one session factory.

    Args:
        session_factory: The platform's sessions.
        dispatcher: Delivers webhooks in the background.
        sender: The CAP ``sender`` of every alert.
    """

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        dispatcher: WebhookDispatcher,
        *,
        sender: str = DEFAULT_SENDER,
    ) -> None:
        self.session_factory = session_factory
        self.dispatcher = dispatcher
        self.sender = sender
        self.alert_sinks: list[Callable[[int, bytes], None]] = []
        """Where else each new incident's CAP alert goes, as (incident id, XML): the broker."""
        store = ExerciseStore(session_factory)
        self.exercises = ExerciseBook(store, store.load())

    # incidents -----------------------------------------------------------------------------

    def record_alarms(
        self,
        alarms: Iterable[Alarm],
        *,
        clock_origin: datetime,
        graph: Mapping[str, DetectorNode] | None = None,
        restate: Callable[[datetime], datetime] | None = None,
    ) -> list[IncidentView]:
        """Store the detector's alarms as raised incidents and notify the webhooks.

        Args:
            alarms: Alarms from ``IncidentDetector.process``.
            clock_origin: The UTC time of second 0 of the stream's clock.
            graph: The detector graph, for locations.
            restate: Moves a stream time onto the clock the stored readings use (the demo
                city's day); times are kept as they are without it.
        """
        place = restate or (lambda moment: moment)
        views: list[IncidentView] = []
        with session_scope(self.session_factory) as session:
            for alarm in alarms:
                node = (graph or {}).get(alarm.detector_id)
                row = IncidentRow(
                    detector_id=alarm.detector_id,
                    edge_id=alarm.edge_id,
                    lane_id=alarm.lane_id,
                    status=IncidentStatus.RAISED.value,
                    severity=alarm.severity,
                    confidence=alarm.confidence,
                    evidence=alarm.evidence,
                    started_at=place(clock_origin + timedelta(seconds=alarm.start_s)),
                    raised_at=place(clock_origin + timedelta(seconds=alarm.raised_s)),
                    updated_at=utcnow(),
                    lon=node.lon_lat[0] if node and node.lon_lat else None,
                    lat=node.lon_lat[1] if node and node.lon_lat else None,
                    x_m=node.xy[0] if node and node.xy else None,
                    y_m=node.xy[1] if node and node.xy else None,
                )
                session.add(row)
                session.flush()
                views.append(IncidentView.from_row(row))
            urls = [w.url for w in session.scalars(select(WebhookRow))]
        self.exercises.note_incidents(views)
        for view in views:
            self._notify(view, urls)
        return views

    def report(self, session: Session, data: Mapping[str, Any]) -> IncidentView:
        """Store an incident reported by an operator or another system.

        Raises:
            InputError: for a missing location, a bad severity or confidence, or a lon/lat
                off the globe.
        """
        edge_id = str(data.get("edge_id") or "").strip()
        if not edge_id:
            raise InputError("an incident needs an edge_id", hint="name the road edge it is on")
        severity = str(data.get("severity", "moderate"))
        if severity not in SEVERITIES:
            raise InputError(
                f"unknown severity {severity!r}", hint=f"use one of {', '.join(SEVERITIES)}"
            )
        confidence = float(data.get("confidence", 1.0))
        if not 0.0 <= confidence <= 1.0:
            raise InputError(f"confidence must be within 0 and 1, got {confidence}")
        lon, lat = _lon_lat(data.get("lon"), data.get("lat"))
        now = utcnow()
        row = IncidentRow(
            detector_id=str(data.get("detector_id") or "operator"),
            edge_id=edge_id,
            lane_id=str(data.get("lane_id") or edge_id),
            status=IncidentStatus.RAISED.value,
            severity=severity,
            confidence=confidence,
            evidence=dict(data.get("evidence") or {"reported": True}),
            started_at=now,
            raised_at=now,
            updated_at=now,
            lon=lon,
            lat=lat,
        )
        session.add(row)
        session.flush()
        view = IncidentView.from_row(row)
        self._notify(view, [w.url for w in session.scalars(select(WebhookRow))])
        return view

    def incidents(
        self, session: Session, *, status: str | None = None, limit: int = 100
    ) -> list[IncidentView]:
        """The newest incidents first; ``status`` 'open' means raised or confirmed.

        Raises:
            InputError: for an unknown status.
        """
        query = select(IncidentRow).order_by(IncidentRow.raised_at.desc(), IncidentRow.id.desc())
        if status == "open":
            query = query.where(IncidentRow.status.in_(_OPEN))
        elif status is not None:
            if status not in {s.value for s in IncidentStatus}:
                raise InputError(
                    f"unknown incident status {status!r}",
                    hint="use open, raised, confirmed, dismissed or cleared",
                )
            query = query.where(IncidentRow.status == status)
        return [IncidentView.from_row(r) for r in session.scalars(query.limit(limit))]

    def _row(self, session: Session, incident_id: int) -> IncidentRow:
        row = session.get(IncidentRow, incident_id)
        if row is None:
            raise NotFoundError(
                f"no incident with id {incident_id}", hint="list them with GET /api/brain/incidents"
            )
        return row

    def get(self, session: Session, incident_id: int) -> IncidentView:
        """One incident.

        Raises:
            NotFoundError: for an unknown id.
        """
        return IncidentView.from_row(self._row(session, incident_id))

    def decide(
        self, session: Session, incident_id: int, action: str, *, user_id: int | None = None
    ) -> IncidentView:
        """Confirm, dismiss or clear an incident; a dismissal damps its detector.

        Raises:
            NotFoundError: for an unknown id.
            InputError: for an unknown action.
            ConflictError: when the incident's status does not allow the action.
        """
        if action not in _NEXT:
            raise InputError(f"unknown action {action!r}", hint="use confirm, dismiss or clear")
        row = self._row(session, incident_id)
        target, allowed = _NEXT[action]
        if row.status not in {s.value for s in allowed}:
            raise ConflictError(
                f"incident {incident_id} is {row.status}; it cannot be {target.value}",
                hint="only raised incidents can be confirmed; closed ones stay closed",
            )
        row.status, row.updated_at, row.decided_by = target.value, utcnow(), user_id
        if target is IncidentStatus.DISMISSED and self.exercises.exercise_of(incident_id) is None:
            self._damp(session, row.detector_id)  # an exercise's incident was staged: no tuning
        return IncidentView.from_row(row)

    def _damp(self, session: Session, detector_id: str) -> None:
        damping = session.get(DampingRow, detector_id)
        if damping is None:
            session.add(DampingRow(detector_id=detector_id, damping=DISMISS_STEP))
        else:
            damping.damping = min(MAX_DAMPING, damping.damping * DISMISS_STEP)
            damping.updated_at = utcnow()

    def damping(self, session: Session) -> dict[str, float]:
        """Each detector's damping from dismissals, for ``IncidentDetector(damping=...)``."""
        return {r.detector_id: r.damping for r in session.scalars(select(DampingRow))}

    def damped(self, session: Session) -> list[dict[str, Any]]:
        """The detectors dismissals made less sensitive, most damped first: ``damping`` is
        the factor on their alarm thresholds (up to ``MAX_DAMPING``)."""
        rows = session.scalars(select(DampingRow)).all()
        return [
            {
                "detector": r.detector_id,
                "damping": round(r.damping, 3),
                "max_damping": MAX_DAMPING,
                "updated_at": r.updated_at.isoformat(),
            }
            for r in sorted(rows, key=lambda r: (-r.damping, r.detector_id))
        ]

    def reset_damping(self, session: Session, detector_id: str) -> dict[str, Any]:
        """Give a detector back its full sensitivity (live detection follows within seconds).

        Raises:
            NotFoundError: when dismissals never damped that detector.
        """
        row = session.get(DampingRow, detector_id)
        if row is None:
            raise NotFoundError(
                f"detector {detector_id!r} is not damped",
                hint="GET /api/brain/incidents/damping lists the damped detectors",
            )
        session.delete(row)
        return {"detector": detector_id, "damping": 1.0}

    def cap_xml(self, session: Session, incident_id: int) -> str:
        """The CAP 1.2 alert of one incident.

        Raises:
            NotFoundError: for an unknown id.
        """
        view = self.get(session, incident_id)
        exercise = self.exercises.exercise_of(incident_id) is not None
        return cap_alert_xml(view.cap(utcnow(), exercise=exercise), sender=self.sender)

    def alert_index(self, session: Session, *, feed_url: str, base_url: str) -> str:
        """An Atom feed of the open incidents, each linking its CAP 1.2 alert.

        Args:
            feed_url: The feed's own absolute URL.
            base_url: The API's origin, to make each alert's link absolute.
        """
        views = self.incidents(session, status="open", limit=200)
        entries = [
            FeedEntry(
                incident_id=v.id,
                headline=f"Lane blocked on road {v.edge_id}"
                + (" (exercise)" if self.exercises.exercise_of(v.id) is not None else ""),
                summary=f"{v.severity} incident, {v.status}, confidence {v.confidence:.2f}, "
                f"since {v.started_at.isoformat()}",
                updated_at=v.updated_at,
                cap_url=f"{base_url.rstrip('/')}/api/brain/incidents/{v.id}/cap.xml",
                lon_lat=v.lon_lat,
            )
            for v in views
        ]
        updated = max((v.updated_at for v in views), default=utcnow())
        return atom_index(entries, feed_url=feed_url, updated_at=updated)

    # webhooks ------------------------------------------------------------------------------

    def add_webhook(
        self, session: Session, url: str, *, user_id: int | None = None
    ) -> dict[str, Any]:
        """Register a URL that receives each new incident as CAP XML.

        Raises:
            InputError: for a malformed URL or one that is not http(s).
            ConflictError: when the URL is already registered.
        """
        clean = validate_webhook_url(url)
        if session.scalars(select(WebhookRow).where(WebhookRow.url == clean)).first():
            raise ConflictError(f"webhook {clean} is already registered")
        row = WebhookRow(url=clean, created_by=user_id, created_at=utcnow())
        session.add(row)
        session.flush()
        return _webhook_dict(row)

    def webhooks(self, session: Session) -> list[dict[str, Any]]:
        """Every registered webhook."""
        return [
            _webhook_dict(r) for r in session.scalars(select(WebhookRow).order_by(WebhookRow.id))
        ]

    def remove_webhook(self, session: Session, webhook_id: int) -> None:
        """Unregister a webhook.

        Raises:
            NotFoundError: for an unknown id.
        """
        row = session.get(WebhookRow, webhook_id)
        if row is None:
            raise NotFoundError(f"no webhook with id {webhook_id}")
        session.delete(row)

    def _notify(self, view: IncidentView, urls: list[str]) -> None:
        if not urls and not self.alert_sinks:
            return
        exercise = self.exercises.exercise_of(view.id) is not None
        body = cap_alert_xml(view.cap(utcnow(), exercise=exercise), sender=self.sender).encode()
        for url in urls:
            self.dispatcher.enqueue(url, body)
        for sink in self.alert_sinks:
            sink(view.id, body)


def _webhook_dict(row: WebhookRow) -> dict[str, Any]:
    return {"id": row.id, "url": row.url, "created_at": row.created_at.isoformat()}


def _lon_lat(lon: Any, lat: Any) -> tuple[float | None, float | None]:
    """A reported incident's lon/lat, both or neither, checked to lie on the globe."""
    if lon is None and lat is None:
        return None, None
    try:
        lon_f, lat_f = float(lon), float(lat)
    except (TypeError, ValueError):
        raise InputError(
            f"lon and lat must both be numbers, got {lon!r} and {lat!r}",
            hint="give both in degrees, or neither",
        ) from None
    if not (-180.0 <= lon_f <= 180.0 and -90.0 <= lat_f <= 90.0):
        raise InputError(
            f"lon {lon_f}, lat {lat_f} is not a place on the globe",
            hint="lon within -180..180 and lat within -90..90 degrees (WGS84)",
        )
    return lon_f, lat_f
