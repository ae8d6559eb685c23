"""Routes of the faces feature: consent, enrolment, gate verification, holders, tickets, logs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, UploadFile
from pydantic import Field

from hostcity.api.deps import Fan, Operator, PlatformDep, RowId, SessionDep, require
from hostcity.api.inputs import InputModel
from hostcity.core.auth import Principal, Role
from hostcity.core.errors import ForbiddenError, InputError
from hostcity.smartpass.faces import records
from hostcity.smartpass.faces.consent import CONSENT_TEXT, CONSENT_VERSION
from hostcity.smartpass.faces.service import GateRequest
from hostcity.smartpass.faces.setup import service

router = APIRouter(tags=["smartpass: faces"])

GateOrOperator = Annotated[Principal, Depends(require(Role.GATE, Role.OPERATOR))]


def _read(upload: UploadFile, max_bytes: int, what: str) -> bytes:
    data = upload.file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputError(
            f"the {what} is larger than {max_bytes / 1e6:.1f} MB", hint="send a smaller JPEG"
        )
    return data


@router.get("/consent")
def consent() -> dict[str, str]:
    """The consent text a holder reads before enrolling, and its version."""
    return {"version": CONSENT_VERSION, "text": CONSENT_TEXT}


@router.post("/quality")
def check_quality(
    platform: PlatformDep, _user: Fan, photo: Annotated[UploadFile, File()]
) -> dict[str, Any]:
    """Quality feedback on one photo, without enrolling."""
    faces = service(platform)
    return faces.check_photo(_read(photo, platform.settings.smartpass.max_image_bytes, "photo"))


@router.post("/enrol", status_code=201)
def enrol(
    *,
    platform: PlatformDep,
    session: SessionDep,
    user: Fan,
    photos: Annotated[list[UploadFile], File(description="1-5 photos, JPEG or PNG")],
    name: Annotated[str, Form()],
    ticket_ids: Annotated[str, Form(description="ticket or accreditation ids, comma-separated")],
    consent: Annotated[bool, Form()],
    consent_version: Annotated[str, Form()],
) -> dict[str, Any]:
    """Enrol a holder's face with consent; the photos are discarded unless keep_photos is on."""
    limit = platform.settings.smartpass.max_image_bytes
    return service(platform).enrol(
        session,
        actor=user,
        photos=[_read(p, limit, "photo") for p in photos],
        name=name,
        ticket_ids=ticket_ids.replace(";", ",").split(","),
        consent=consent,
        consent_version=consent_version,
    )


@router.post("/gates/{gate_id}/verify")
def verify(
    *,
    platform: PlatformDep,
    session: SessionDep,
    caller: GateOrOperator,
    gate_id: str,
    frame: Annotated[UploadFile, File(description="a camera frame, JPEG or PNG")],
    ticket_id: Annotated[str | None, Form()] = None,
    session_id: Annotated[str | None, Form()] = None,
    venue_id: Annotated[str | None, Form(description="operators simulating a gate only")] = None,
) -> dict[str, Any]:
    """Admit, deny or refer the person in ``frame`` (1:1 with a ticket, else 1:N at the venue).

    A gate device verifies only for the venue its token is bound to; an operator may simulate
    any venue's gate by naming ``venue_id``.
    """
    if caller.role is Role.GATE:
        if venue_id and venue_id != caller.venue_id:
            raise ForbiddenError(
                f"this gate device is bound to venue {caller.venue_id!r}, not {venue_id!r}",
                hint="use a gate token created for that venue",
            )
        venue = caller.venue_id or ""
    elif not venue_id:
        raise InputError(
            "an operator simulating a gate must name the venue", hint="send the venue_id form field"
        )
    else:
        venue = venue_id
    request = GateRequest(
        gate_id=gate_id,
        venue_id=venue,
        frame=_read(frame, platform.settings.smartpass.max_image_bytes, "frame"),
        ticket_id=ticket_id or None,
        session_id=session_id or None,
    )
    return service(platform).verify(session, actor=caller, request=request)


@router.get("/holders")
def list_holders(session: SessionDep, user: Fan) -> list[dict[str, Any]]:
    """A fan's own enrolments, or every holder for an operator (never a template)."""
    return records.list_holders(session, actor=user)


@router.get("/holders/{holder_id}")
def get_holder(session: SessionDep, user: Fan, holder_id: RowId) -> dict[str, Any]:
    """One holder: name, consent, tickets and template count (never a template)."""
    return records.get_holder(session, holder_id=holder_id, actor=user)


@router.delete("/holders/{holder_id}")
def erase_holder(
    platform: PlatformDep, session: SessionDep, user: Fan, holder_id: RowId
) -> dict[str, Any]:
    """Erase a holder's face data at once (the holder who enrolled, or an operator)."""
    return service(platform).erase(session, holder_id=holder_id, actor=user)


class TicketIn(InputModel):
    """A ticket or accreditation to issue."""

    id: str = Field(min_length=1, max_length=100)
    venue_id: str = Field(min_length=1, max_length=100)
    session_id: str | None = Field(default=None, max_length=100)
    valid_from: datetime | None = None
    valid_to: datetime | None = None


@router.post("/tickets", status_code=201)
def issue_ticket(session: SessionDep, _user: Operator, ticket: TicketIn) -> dict[str, Any]:
    """Issue a ticket or accreditation for a venue (and optionally a session)."""
    return records.issue_ticket(
        session,
        ticket_id=ticket.id,
        venue_id=ticket.venue_id,
        session_id=ticket.session_id,
        valid_from=ticket.valid_from,
        valid_to=ticket.valid_to,
    )


@router.get("/gates/audit")
def gate_audit(
    session: SessionDep, _user: Operator, venue_id: str | None = None, limit: int = 100
) -> list[dict[str, Any]]:
    """The latest gate decisions (no images)."""
    return records.audit_log(session, venue_id=venue_id, limit=min(max(limit, 1), 1000))


@router.get("/erasures")
def erasures(session: SessionDep, _user: Operator, limit: int = 100) -> list[dict[str, Any]]:
    """The latest erasures."""
    return records.erasure_log(session, limit=min(max(limit, 1), 1000))


@router.get("/faces/status")
def status(platform: PlatformDep, _user: GateOrOperator) -> dict[str, Any]:
    """The threshold in force and the gallery size."""
    faces = service(platform)
    thresholds = faces.thresholds
    return {
        "threshold": thresholds.admit,
        "refer_margin": thresholds.refer_margin,
        "templates": faces.gallery().size(),
    }
