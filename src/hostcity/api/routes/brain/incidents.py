"""Routes of incident detection: list, report, confirm and dismiss incidents, CAP, webhooks."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import Field

from hostcity.api.deps import AnyUser, Operator, PlatformDep, RowId, SessionDep
from hostcity.api.inputs import InputModel, Latitude, Longitude
from hostcity.brain.incidents.service import IncidentService
from hostcity.brain.incidents.setup import SERVICE, TWIN_SERVICE
from hostcity.core.errors import NotFoundError
from hostcity.core.platform import Platform

router = APIRouter(tags=["brain: incidents"])


def _service(platform: Platform) -> IncidentService:
    service: IncidentService = platform.service(SERVICE)
    return service


class WebhookIn(InputModel):
    """A URL to receive every new incident as a CAP 1.2 document."""

    url: str = Field(max_length=2000)


class IncidentIn(InputModel):
    """An incident reported by an operator or another system."""

    edge_id: str = Field(min_length=1, max_length=200)
    lane_id: str | None = Field(default=None, max_length=200)
    detector_id: str | None = Field(default=None, max_length=200)
    severity: str = "moderate"
    confidence: float = 1.0
    lon: Longitude = None
    lat: Latitude = None
    evidence: dict[str, Any] | None = None


class ExerciseIn(InputModel):
    """An exercise: stall a vehicle over a detector's loop of the live twin for a while."""

    detector: str = Field(min_length=1, max_length=200, description="a twin loop's id")
    minutes: float = Field(default=5.0, description="simulated minutes, 1 to 30")


@router.get("/incidents/exercises")
def list_exercises(_caller: AnyUser, platform: PlatformDep) -> dict[str, Any]:
    """Exercises, newest first (those on and the last 20 over), with the incident each one
    raised and how fast. Exercises are kept in the database; one on when the server stopped is
    listed as expired.

    ``detection_learning_s``: simulated seconds live detection still learns normal traffic
    before it raises anything (0: detecting; null: no reading has come yet). ``summary``:
    of the exercises that stalled a vehicle, how many detection raised, and how fast.
    """
    book = _service(platform).exercises
    left = book.learning_left_s
    return {
        "exercises": [e.to_dict() for e in book.all()],
        "summary": book.summary(),
        "twin_running": book.sim_s is not None,
        "detection_learning_s": None if left is None else round(left),
    }


@router.post("/incidents/exercises", status_code=201)
def start_exercise(_caller: Operator, platform: PlatformDep, body: ExerciseIn) -> dict[str, Any]:
    """Stall the next vehicle over a loop of the live twin, to see detection raise it."""
    twin = platform.services.get(TWIN_SERVICE)
    spec = (
        next((d for d in twin.detectors if d.detector_id == body.detector), None) if twin else None
    )
    if spec is None:
        known = [d.detector_id for d in twin.detectors[:3]] if twin else []
        raise NotFoundError(
            f"no twin loop {body.detector!r}",
            hint=f"pick one of GET /api/brain/detectors (e.g. {', '.join(known) or 'none yet'})",
        )
    book = _service(platform).exercises
    return book.start(spec.detector_id, spec.lane_id, spec.edge_id, body.minutes).to_dict()


@router.get("/incidents/alerts.atom", response_class=Response)
def alert_feed(
    _caller: AnyUser, session: SessionDep, platform: PlatformDep, request: Request
) -> Response:
    """The open incidents as an Atom feed, each entry linking its CAP 1.2 alert (for alert
    aggregators that poll; webhooks push the same alerts)."""
    xml = _service(platform).alert_index(
        session, feed_url=str(request.url), base_url=str(request.base_url)
    )
    return Response(xml, media_type="application/atom+xml")


@router.get("/incidents/webhooks")
def list_webhooks(_caller: Operator, session: SessionDep, platform: PlatformDep) -> dict[str, Any]:
    """Registered webhooks."""
    return {"webhooks": _service(platform).webhooks(session)}


@router.post("/incidents/webhooks", status_code=201)
def add_webhook(
    caller: Operator, session: SessionDep, platform: PlatformDep, body: WebhookIn
) -> dict[str, Any]:
    """Register a webhook (http or https only)."""
    return _service(platform).add_webhook(session, body.url, user_id=caller.user_id)


@router.delete("/incidents/webhooks/{webhook_id}", status_code=204)
def remove_webhook(
    _caller: Operator, session: SessionDep, platform: PlatformDep, webhook_id: RowId
) -> Response:
    """Unregister a webhook."""
    _service(platform).remove_webhook(session, webhook_id)
    return Response(status_code=204)


@router.get("/incidents/damping")
def list_damping(_caller: AnyUser, session: SessionDep, platform: PlatformDep) -> dict[str, Any]:
    """Detectors that operators' dismissals made less sensitive, most damped first.

    ``damping`` multiplies the detector's alarm thresholds (each dismissal of one of its
    incidents raises it, up to ``max_damping``); live detection reads it within seconds.
    """
    return {"detectors": _service(platform).damped(session)}


@router.delete("/incidents/damping/{detector}")
def reset_damping(
    _caller: Operator, session: SessionDep, platform: PlatformDep, detector: str
) -> dict[str, Any]:
    """Give a detector back its full sensitivity (after dismissals that were mistakes)."""
    return _service(platform).reset_damping(session, detector)


@router.get("/incidents")
def list_incidents(
    _caller: AnyUser,
    session: SessionDep,
    platform: PlatformDep,
    status: Annotated[str | None, Query(description="open, raised, confirmed, ...")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    """Incidents, newest first."""
    service = _service(platform)
    found = service.incidents(session, status=status, limit=limit)
    return {
        "incidents": [
            {**i.to_dict(), "exercise": service.exercises.exercise_of(i.id)} for i in found
        ]
    }


@router.post("/incidents", status_code=201)
def report_incident(
    _caller: Operator, session: SessionDep, platform: PlatformDep, body: IncidentIn
) -> dict[str, Any]:
    """Report an incident by hand (it is raised, and webhooks are notified)."""
    return _service(platform).report(session, body.model_dump(exclude_none=True)).to_dict()


@router.get("/incidents/{incident_id}")
def get_incident(
    _caller: AnyUser, session: SessionDep, platform: PlatformDep, incident_id: RowId
) -> dict[str, Any]:
    """One incident with its evidence."""
    return _service(platform).get(session, incident_id).to_dict()


@router.get("/incidents/{incident_id}/cap.xml", response_class=Response)
def incident_cap(
    _caller: AnyUser, session: SessionDep, platform: PlatformDep, incident_id: RowId
) -> Response:
    """The incident as a CAP 1.2 alert."""
    xml = _service(platform).cap_xml(session, incident_id)
    return Response(
        xml,
        media_type="application/cap+xml",
        headers={"Content-Disposition": f'attachment; filename="incident-{incident_id}.cap.xml"'},
    )


@router.post("/incidents/{incident_id}/{action}")
def decide_incident(
    caller: Operator, session: SessionDep, platform: PlatformDep, incident_id: RowId, action: str
) -> dict[str, Any]:
    """Confirm, dismiss or clear an incident (a dismissal makes its detector less sensitive)."""
    view = _service(platform).decide(session, incident_id, action, user_id=caller.user_id)
    return view.to_dict()
