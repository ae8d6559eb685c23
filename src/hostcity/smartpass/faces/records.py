"""Tickets, holders and logs as callers see them: never a template, never an image."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hostcity.core.auth import Principal, Role
from hostcity.core.errors import ForbiddenError, InputError
from hostcity.smartpass.faces.adapters import store
from hostcity.smartpass.faces.adapters.tables import FaceHolderRow, FaceTemplateRow, FaceTicketRow


def ticket_view(row: FaceTicketRow) -> dict[str, Any]:
    """JSON-ready view of a ticket."""
    return {
        "id": row.id,
        "venue_id": row.venue_id,
        "session_id": row.session_id,
        "valid_from": row.valid_from.isoformat() if row.valid_from else None,
        "valid_to": row.valid_to.isoformat() if row.valid_to else None,
        "enrolled": row.holder_id is not None,
    }


def issue_ticket(
    session: Session,
    *,
    ticket_id: str,
    venue_id: str,
    session_id: str | None = None,
    valid_from: datetime | None = None,
    valid_to: datetime | None = None,
) -> dict[str, Any]:
    """Issue a ticket or accreditation for a venue (and optionally one session).

    Raises:
        InputError: for empty ids or a validity window that ends before it starts.
        ConflictError: when the id is taken.
    """
    if not ticket_id.strip() or not venue_id.strip():
        raise InputError("a ticket needs an id and a venue id", hint="pass both")
    if valid_from and valid_to and valid_to <= valid_from:
        raise InputError(
            "the ticket's validity ends before it starts", hint="valid_to must be after valid_from"
        )
    row = store.create_ticket(
        session,
        ticket_id=ticket_id.strip(),
        venue_id=venue_id.strip(),
        session_id=session_id or None,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    return ticket_view(row)


def holder_view(session: Session, row: FaceHolderRow) -> dict[str, Any]:
    """JSON-ready view of a holder: name, consent, tickets and how many templates."""
    count = session.scalar(
        select(func.count()).select_from(FaceTemplateRow).where(FaceTemplateRow.holder_id == row.id)
    )
    return {
        "id": row.id,
        "name": row.name,
        "consent_version": row.consent_version,
        "consented_at": row.consented_at.isoformat(),
        "templates": int(count or 0),
        "tickets": [ticket_view(t) for t in store.tickets_of(session, holder_id=row.id)],
    }


def get_holder(session: Session, *, holder_id: int, actor: Principal) -> dict[str, Any]:
    """One holder, for the holder who enrolled or an operator.

    Raises:
        NotFoundError: for an unknown holder.
        ForbiddenError: for anyone else.
    """
    row = store.get_holder(session, holder_id=holder_id)
    if actor.role is not Role.OPERATOR and row.user_id != actor.user_id:
        raise ForbiddenError(
            "you may only see your own enrolment", hint="log in with the token used to enrol"
        )
    return holder_view(session, row)


def list_holders(session: Session, *, actor: Principal, limit: int = 200) -> list[dict[str, Any]]:
    """The holders a caller may see: a fan's own, or every holder for an operator."""
    query = select(FaceHolderRow).order_by(FaceHolderRow.id.desc()).limit(limit)
    if actor.role is not Role.OPERATOR:
        query = query.where(FaceHolderRow.user_id == actor.user_id)
    return [holder_view(session, row) for row in session.scalars(query)]


def audit_log(
    session: Session, *, venue_id: str | None = None, limit: int = 100
) -> list[dict[str, Any]]:
    """The latest gate decisions."""
    return [
        {
            "id": r.id,
            "at": r.at.isoformat(),
            "gate_id": r.gate_id,
            "venue_id": r.venue_id,
            "mode": r.mode,
            "decision": r.decision,
            "score": r.score,
            "holder_id": r.holder_id,
            "reason": r.reason,
            "elapsed_ms": round(r.elapsed_ms, 1),
        }
        for r in store.list_audit(session, venue_id=venue_id, limit=limit)
    ]


def erasure_log(session: Session, *, limit: int = 100) -> list[dict[str, Any]]:
    """The latest erasures."""
    return [
        {
            "id": r.id,
            "at": r.at.isoformat(),
            "holder_id": r.holder_id,
            "by_role": r.by_role,
            "by_user_id": r.by_user_id,
            "templates_removed": r.templates_removed,
        }
        for r in store.list_erasures(session, limit=limit)
    ]
