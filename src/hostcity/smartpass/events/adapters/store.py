"""Database queries of the events feature: lookups, search, follows, and what a fan has seen."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hostcity.core.errors import NotFoundError
from hostcity.core.timeutil import utcnow
from hostcity.smartpass.events.adapters.tables import (
    AthleteRow,
    CompetitionRow,
    EntryRow,
    EventRow,
    FollowRow,
    SeenRow,
    SessionRow,
    VenueRow,
)
from hostcity.smartpass.events.agenda import AgendaSession, AgendaVenue, SeenState
from hostcity.smartpass.events.folding import fold_tokens
from hostcity.smartpass.events.types import FollowKind, SessionStatus

RowT = TypeVar("RowT")


def _get(session: Session, model: type[RowT], key: int, what: str, hint: str) -> RowT:
    row = session.get(model, key)
    if row is None:
        raise NotFoundError(f"no {what} with id {key}", hint=hint)
    return row


def athlete_row(session: Session, athlete_id: int) -> AthleteRow:
    """The athlete with ``athlete_id``; NotFoundError for an unknown id."""
    return _get(session, AthleteRow, athlete_id, "athlete",
                "find ids with GET /api/pass/athletes?q=NAME")  # fmt: skip


def event_row(session: Session, event_id: int) -> EventRow:
    """The medal event with ``event_id``; NotFoundError for an unknown id."""
    return _get(session, EventRow, event_id, "event", "list them with GET /api/pass/events")


def venue_row(session: Session, venue_id: int) -> VenueRow:
    """The venue with ``venue_id``; NotFoundError for an unknown id."""
    return _get(session, VenueRow, venue_id, "venue", "list them with GET /api/pass/venues")


def session_row(session: Session, session_id: int) -> SessionRow:
    """The scheduled session with ``session_id``; NotFoundError for an unknown id."""
    return _get(session, SessionRow, session_id, "session", "sessions are listed in the agenda")


def noc_exists(session: Session, noc: str) -> bool:
    """Whether any athlete represents ``noc``."""
    return session.scalar(select(AthleteRow.id).where(AthleteRow.noc == noc).limit(1)) is not None


def search_athletes(
    session: Session,
    *,
    query: str = "",
    noc: str | None = None,
    discipline: str | None = None,
    competition: str | None = None,
    limit: int = 50,
) -> list[AthleteRow]:
    """Athletes whose folded name holds every word of ``query``, filtered by NOC and discipline."""
    stmt = select(AthleteRow)
    for token in fold_tokens(query):
        stmt = stmt.where(AthleteRow.name_folded.contains(token, autoescape=True))
    if noc:
        stmt = stmt.where(AthleteRow.noc == noc.strip().upper())
    if competition:
        stmt = stmt.where(AthleteRow.competition_id == competition)
    if discipline:
        entered = (
            select(EntryRow.athlete_id)
            .join(EventRow, EventRow.id == EntryRow.event_id)
            .where(func.lower(EventRow.discipline) == discipline.strip().lower())
        )
        stmt = stmt.where(AthleteRow.id.in_(entered))
    stmt = stmt.order_by(AthleteRow.name_folded, AthleteRow.id).limit(limit)
    return list(session.scalars(stmt))


def entries_of(session: Session, athlete_ids: Iterable[int]) -> dict[int, list[EventRow]]:
    """The events each athlete is entered in."""
    ids = list(athlete_ids)
    found: dict[int, list[EventRow]] = defaultdict(list)
    if not ids:
        return found
    stmt = (
        select(EntryRow.athlete_id, EventRow)
        .join(EventRow, EventRow.id == EntryRow.event_id)
        .where(EntryRow.athlete_id.in_(ids))
        .order_by(EventRow.discipline, EventRow.name)
    )
    for athlete_id, event in session.execute(stmt):
        found[athlete_id].append(event)
    return found


def list_events(session: Session, competition: str | None = None) -> list[EventRow]:
    """Every medal event, by discipline and name."""
    stmt = select(EventRow).order_by(EventRow.competition_id, EventRow.discipline, EventRow.name)
    if competition:
        stmt = stmt.where(EventRow.competition_id == competition)
    return list(session.scalars(stmt))


def list_venues(session: Session, competition: str | None = None) -> list[VenueRow]:
    """Every venue, by competition and code."""
    stmt = select(VenueRow).order_by(VenueRow.competition_id, VenueRow.code)
    if competition:
        stmt = stmt.where(VenueRow.competition_id == competition)
    return list(session.scalars(stmt))


def list_competitions(session: Session) -> list[CompetitionRow]:
    """Every imported competition."""
    return list(session.scalars(select(CompetitionRow).order_by(CompetitionRow.id)))


def follows_of(session: Session, user_id: int) -> list[FollowRow]:
    """What ``user_id`` follows, oldest first."""
    stmt = select(FollowRow).where(FollowRow.user_id == user_id).order_by(FollowRow.id)
    return list(session.scalars(stmt))


def find_follow(session: Session, user_id: int, kind: FollowKind, target: str) -> FollowRow | None:
    """The follow of ``target`` by ``user_id``, if any."""
    stmt = select(FollowRow).where(
        FollowRow.user_id == user_id, FollowRow.kind == kind.value, FollowRow.target == target
    )
    return session.scalar(stmt)


def followed_reasons(session: Session, follows: list[FollowRow]) -> dict[int, list[str]]:
    """For each followed event id, why it is followed (athlete names, teams, the event)."""
    reasons: dict[int, list[str]] = defaultdict(list)
    athlete_ids = [int(f.target) for f in follows if f.kind == FollowKind.ATHLETE.value]
    nocs = [f.target for f in follows if f.kind == FollowKind.NOC.value]
    if athlete_ids:
        stmt = (
            select(EntryRow.event_id, AthleteRow.name)
            .join(AthleteRow, AthleteRow.id == EntryRow.athlete_id)
            .where(AthleteRow.id.in_(athlete_ids))
        )
        for event_id, name in session.execute(stmt):
            reasons[event_id].append(name)
    if nocs:
        stmt_noc = (
            select(EntryRow.event_id, AthleteRow.noc)
            .join(AthleteRow, AthleteRow.id == EntryRow.athlete_id)
            .where(AthleteRow.noc.in_(nocs))
            .distinct()
        )
        for event_id, noc in session.execute(stmt_noc):
            reasons[event_id].append(f"team {noc}")
    for follow in follows:
        if follow.kind == FollowKind.EVENT.value:
            reasons[int(follow.target)].append("the whole event")
    return reasons


def agenda_sessions(session: Session, reasons: dict[int, list[str]]) -> list[AgendaSession]:
    """The sessions of the followed events as plain agenda data."""
    if not reasons:
        return []
    stmt = (
        select(SessionRow, EventRow, VenueRow)
        .join(EventRow, EventRow.id == SessionRow.event_id)
        .join(VenueRow, VenueRow.id == SessionRow.venue_id)
        .where(SessionRow.event_id.in_(list(reasons)))
    )
    return [
        to_agenda_session(s, e, v, tuple(sorted(set(reasons[e.id]))))
        for s, e, v in session.execute(stmt)
    ]


def to_agenda_session(
    s: SessionRow, e: EventRow, v: VenueRow, reasons: tuple[str, ...] = ()
) -> AgendaSession:
    """A session row, with its event and venue, as plain data."""
    venue = AgendaVenue(v.id, v.code, v.name, v.timezone, v.lat, v.lon)
    return AgendaSession(
        id=s.id,
        competition_id=s.competition_id,
        code=s.code,
        discipline=e.discipline,
        event=e.name,
        phase=s.phase,
        venue=venue,
        start_at=s.start_at,
        end_at=s.end_at,
        status=SessionStatus(s.status),
        medal=s.medal,
        sequence=s.sequence,
        reasons=reasons,
    )


def session_with_context(session: Session, session_id: int) -> AgendaSession:
    """One session as plain data.

    Raises:
        NotFoundError: for an unknown id.
    """
    row = session_row(session, session_id)
    return to_agenda_session(
        row, event_row(session, row.event_id), venue_row(session, row.venue_id)
    )


def seen_states(session: Session, user_id: int) -> dict[int, SeenState]:
    """What ``user_id`` last saw of each session."""
    stmt = select(SeenRow).where(SeenRow.user_id == user_id)
    states = {}
    for r in session.scalars(stmt):
        status = SessionStatus(r.status)
        states[r.session_id] = SeenState(r.start_at, r.end_at, r.venue_id, r.venue_name, status)
    return states


def record_seen(
    session: Session, user_id: int, sessions: Iterable[AgendaSession], *, overwrite: bool
) -> int:
    """Remember the current state of ``sessions`` as seen by ``user_id``; returns rows written.

    With ``overwrite`` False, only sessions never seen get a first snapshot.
    """
    existing = {
        r.session_id: r for r in session.scalars(select(SeenRow).where(SeenRow.user_id == user_id))
    }
    written = 0
    now = utcnow()
    for s in sessions:
        row = existing.get(s.id)
        if row is None:
            row = SeenRow(user_id=user_id, session_id=s.id)
            session.add(row)
        elif not overwrite:
            continue
        values: dict[str, Any] = {
            "start_at": s.start_at,
            "end_at": s.end_at,
            "venue_id": s.venue.id,
            "venue_name": s.venue.name,
            "status": s.status.value,
            "seen_at": now,
        }
        for key, value in values.items():
            setattr(row, key, value)
        written += 1
    session.flush()
    return written
