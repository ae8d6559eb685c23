"""Database access of the faces feature; every function takes the session and keyword arguments."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from hostcity.core.errors import ConflictError, NotFoundError
from hostcity.smartpass.faces.adapters.tables import (
    FaceErasureRow,
    FaceGateAuditRow,
    FaceHolderRow,
    FaceTemplateRow,
    FaceTicketRow,
)
from hostcity.smartpass.faces.crypto import Sealed


@dataclass(frozen=True)
class StoredTemplate:
    """An encrypted template with its holder, as the index rebuild reads it."""

    template_id: int
    holder_id: int
    sealed: Sealed


def get_holder(session: Session, *, holder_id: int) -> FaceHolderRow:
    """The holder ``holder_id``.

    Raises:
        NotFoundError: for an unknown or erased holder.
    """
    row = session.get(FaceHolderRow, holder_id)
    if row is None:
        raise NotFoundError(
            f"no face holder {holder_id}", hint="the id may be wrong or the holder was erased"
        )
    return row


def create_holder(
    session: Session, *, name: str, user_id: int | None, consent_version: str, at: datetime
) -> FaceHolderRow:
    """Insert a holder and return it with its id."""
    row = FaceHolderRow(
        name=name, user_id=user_id, consent_version=consent_version, consented_at=at, created_at=at
    )
    session.add(row)
    session.flush()
    return row


def add_template(
    session: Session, *, holder_id: int, sealed: Sealed, sealed_photo: bytes | None
) -> int:
    """Store one encrypted template; returns its id."""
    row = FaceTemplateRow(
        holder_id=holder_id, key_id=sealed.key_id, sealed=sealed.blob, sealed_photo=sealed_photo
    )
    session.add(row)
    session.flush()
    return row.id


def templates_of(session: Session, *, holder_ids: Iterable[int]) -> list[StoredTemplate]:
    """The encrypted templates of some holders."""
    ids = list(holder_ids)
    if not ids:
        return []
    rows = session.scalars(select(FaceTemplateRow).where(FaceTemplateRow.holder_id.in_(ids)))
    return [StoredTemplate(r.id, r.holder_id, Sealed(r.key_id, r.sealed)) for r in rows]


def create_ticket(
    session: Session,
    *,
    ticket_id: str,
    venue_id: str,
    session_id: str | None,
    valid_from: datetime | None,
    valid_to: datetime | None,
) -> FaceTicketRow:
    """Issue a ticket or accreditation.

    Raises:
        ConflictError: when the id is taken.
    """
    if session.get(FaceTicketRow, ticket_id) is not None:
        raise ConflictError(f"ticket {ticket_id!r} already exists", hint="use another id")
    row = FaceTicketRow(
        id=ticket_id,
        venue_id=venue_id,
        session_id=session_id,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    session.add(row)
    session.flush()
    return row


def get_ticket(session: Session, *, ticket_id: str) -> FaceTicketRow:
    """The ticket ``ticket_id``.

    Raises:
        NotFoundError: for an unknown ticket.
    """
    row = session.get(FaceTicketRow, ticket_id)
    if row is None:
        raise NotFoundError(
            f"no ticket {ticket_id!r}", hint="check the id printed on the ticket or accreditation"
        )
    return row


def tickets_of(session: Session, *, holder_id: int) -> list[FaceTicketRow]:
    """The tickets linked to a holder."""
    return list(
        session.scalars(
            select(FaceTicketRow)
            .where(FaceTicketRow.holder_id == holder_id)
            .order_by(FaceTicketRow.id)
        )
    )


def venue_links(session: Session) -> list[tuple[int, str]]:
    """Every (holder id, venue id) that a linked ticket creates."""
    rows = session.execute(
        select(FaceTicketRow.holder_id, FaceTicketRow.venue_id)
        .where(FaceTicketRow.holder_id.is_not(None))
        .distinct()
    )
    return [(int(h), str(v)) for h, v in rows if h is not None]


def admitted_holders(
    session: Session,
    *,
    holder_ids: Iterable[int],
    venue_id: str,
    session_id: str | None,
    at: datetime,
) -> set[int]:
    """Those of ``holder_ids`` holding a ticket valid at ``at`` for the venue (and session)."""
    ids = list(holder_ids)
    if not ids:
        return set()
    query = select(FaceTicketRow.holder_id).where(
        FaceTicketRow.holder_id.in_(ids),
        FaceTicketRow.venue_id == venue_id,
        or_(FaceTicketRow.valid_from.is_(None), FaceTicketRow.valid_from <= at),
        or_(FaceTicketRow.valid_to.is_(None), FaceTicketRow.valid_to > at),
    )
    if session_id is not None:
        query = query.where(
            or_(FaceTicketRow.session_id.is_(None), FaceTicketRow.session_id == session_id)
        )
    return {int(h) for h in session.scalars(query) if h is not None}


def delete_holder(session: Session, *, holder_id: int) -> list[int]:
    """Delete a holder and its templates, unlink its tickets; returns the template ids."""
    template_ids = list(
        session.scalars(select(FaceTemplateRow.id).where(FaceTemplateRow.holder_id == holder_id))
    )
    session.execute(delete(FaceTemplateRow).where(FaceTemplateRow.holder_id == holder_id))
    for ticket in tickets_of(session, holder_id=holder_id):
        ticket.holder_id = None
    session.execute(delete(FaceHolderRow).where(FaceHolderRow.id == holder_id))
    session.flush()
    return template_ids


def add_erasure(
    session: Session,
    *,
    holder_id: int,
    by_user_id: int | None,
    by_role: str,
    templates_removed: int,
    at: datetime,
) -> None:
    """Log an erasure."""
    session.add(
        FaceErasureRow(
            holder_id=holder_id,
            by_user_id=by_user_id,
            by_role=by_role,
            templates_removed=templates_removed,
            at=at,
        )
    )


def add_audit(session: Session, *, row: FaceGateAuditRow) -> None:
    """Log a gate decision."""
    session.add(row)


def list_audit(session: Session, *, venue_id: str | None, limit: int) -> list[FaceGateAuditRow]:
    """The latest gate decisions, newest first."""
    query = select(FaceGateAuditRow).order_by(FaceGateAuditRow.id.desc()).limit(limit)
    if venue_id is not None:
        query = query.where(FaceGateAuditRow.venue_id == venue_id)
    return list(session.scalars(query))


def list_erasures(session: Session, *, limit: int) -> list[FaceErasureRow]:
    """The latest erasures, newest first."""
    return list(
        session.scalars(select(FaceErasureRow).order_by(FaceErasureRow.id.desc()).limit(limit))
    )
