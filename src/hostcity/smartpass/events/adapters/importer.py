"""Writes an imported event into the database: upserts by natural key, so follows survive."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from hostcity.core.timeutil import utcnow
from hostcity.smartpass.events.adapters.tables import (
    AthleteRow,
    CompetitionRow,
    EntryRow,
    EventRow,
    SessionRow,
    VenueRow,
)
from hostcity.smartpass.events.folding import fold
from hostcity.smartpass.events.types import EventBundle, EventKey, SessionRecord, SessionStatus

Report = Callable[[float, str], None]


@dataclass
class ImportSummary:
    """What an import changed."""

    competition: str
    venues: int = 0
    sessions: int = 0
    athletes: int = 0
    sessions_added: int = 0
    sessions_moved: int = 0
    sessions_cancelled: int = 0
    sessions_removed: int = 0
    athletes_added: int = 0
    entries: int = 0

    def to_dict(self) -> dict[str, object]:
        """JSON form."""
        return asdict(self)


def write_bundle(session: Session, bundle: EventBundle, report: Report) -> ImportSummary:
    """Upsert ``bundle`` inside the caller's transaction.

    Rows are matched on natural keys (venue code, discipline + event, session code, athlete
    code), so their ids, and the follows that point at them, stay the same. A session missing
    from the new data is marked cancelled rather than deleted.
    """
    summary = ImportSummary(bundle.competition_id)
    competition = session.get(CompetitionRow, bundle.competition_id)
    if competition is None:
        competition = CompetitionRow(id=bundle.competition_id)
        session.add(competition)
    competition.name = bundle.name
    competition.timezone = bundle.timezone
    competition.imported_at = utcnow()
    session.flush()
    venue_ids = _venues(session, bundle)
    report(0.1, "venues")
    event_ids = _events(session, bundle)
    report(0.2, "events")
    _sessions(session, bundle, venue_ids, event_ids, summary)
    report(0.5, "sessions")
    _athletes(session, bundle, event_ids, summary)
    report(1.0, "athletes")
    summary.venues = len(bundle.venues)
    summary.sessions = len(bundle.sessions)
    summary.athletes = len(bundle.athletes)
    return summary


_RowT = TypeVar("_RowT", VenueRow, EventRow, SessionRow, AthleteRow)


def _existing(session: Session, table: type[_RowT], competition_id: str) -> list[_RowT]:
    return list(session.scalars(select(table).where(table.competition_id == competition_id)))


def _venues(session: Session, bundle: EventBundle) -> dict[str, int]:
    rows = {r.code: r for r in _existing(session, VenueRow, bundle.competition_id)}
    for venue in bundle.venues:
        row = rows.get(venue.code)
        if row is None:
            row = VenueRow(competition_id=bundle.competition_id, code=venue.code)
            session.add(row)
            rows[venue.code] = row
        row.name, row.timezone, row.lat, row.lon = venue.name, venue.timezone, venue.lat, venue.lon
    session.flush()
    return {code: row.id for code, row in rows.items()}


def _events(session: Session, bundle: EventBundle) -> dict[EventKey, int]:
    rows = {
        EventKey(r.discipline, r.name): r
        for r in _existing(session, EventRow, bundle.competition_id)
    }
    wanted = {s.key for s in bundle.sessions} | {e for a in bundle.athletes for e in a.entries}
    for key in sorted(wanted - rows.keys(), key=lambda k: (k.discipline, k.event)):
        row = EventRow(
            competition_id=bundle.competition_id, discipline=key.discipline, name=key.event
        )
        session.add(row)
        rows[key] = row
    session.flush()
    return {key: row.id for key, row in rows.items()}


def _sessions(
    session: Session,
    bundle: EventBundle,
    venue_ids: dict[str, int],
    event_ids: dict[EventKey, int],
    summary: ImportSummary,
) -> None:
    rows = {r.code: r for r in _existing(session, SessionRow, bundle.competition_id)}
    now = utcnow()
    for record in bundle.sessions:
        row = rows.pop(record.code, None)
        if row is None:
            session.add(_new_session(bundle.competition_id, record, venue_ids, event_ids, now))
            summary.sessions_added += 1
            continue
        moved = row.start_at != record.start_at or row.end_at != record.end_at
        relocated = row.venue_id != venue_ids[record.venue_code]
        cancelled = record.status is SessionStatus.CANCELLED and row.status != record.status.value
        if moved or relocated or row.status != record.status.value:
            row.sequence += 1
            row.updated_at = now
        summary.sessions_moved += int(moved or relocated)
        summary.sessions_cancelled += int(cancelled)
        row.event_id = event_ids[record.key]
        row.venue_id = venue_ids[record.venue_code]
        row.phase, row.start_at, row.end_at = record.phase, record.start_at, record.end_at
        row.status, row.medal = record.status.value, record.medal
    for row in rows.values():  # left out of the new schedule: keep, but as cancelled
        if row.status != SessionStatus.CANCELLED.value:
            row.status = SessionStatus.CANCELLED.value
            row.sequence += 1
            row.updated_at = now
            summary.sessions_removed += 1
    session.flush()


def _new_session(
    competition_id: str,
    record: SessionRecord,
    venue_ids: dict[str, int],
    event_ids: dict[EventKey, int],
    now: datetime,
) -> SessionRow:
    return SessionRow(
        competition_id=competition_id,
        code=record.code,
        event_id=event_ids[record.key],
        venue_id=venue_ids[record.venue_code],
        phase=record.phase,
        start_at=record.start_at,
        end_at=record.end_at,
        status=record.status.value,
        medal=record.medal,
        sequence=0,
        updated_at=now,
    )


def _athletes(
    session: Session, bundle: EventBundle, event_ids: dict[EventKey, int], summary: ImportSummary
) -> None:
    rows = {r.code: r for r in _existing(session, AthleteRow, bundle.competition_id)}
    for athlete in bundle.athletes:
        row = rows.get(athlete.code)
        if row is None:
            row = AthleteRow(competition_id=bundle.competition_id, code=athlete.code)
            session.add(row)
            rows[athlete.code] = row
            summary.athletes_added += 1
        row.name, row.name_folded = athlete.name, fold(athlete.name)
        row.noc, row.gender = athlete.noc, athlete.gender
    session.flush()
    ids = [row.id for row in rows.values()]
    # Entries carry no state of their own: replace them wholesale (athletes left out lose theirs).
    for start in range(0, len(ids), 500):
        session.execute(delete(EntryRow).where(EntryRow.athlete_id.in_(ids[start : start + 500])))
    entries = {(rows[a.code].id, event_ids[key]) for a in bundle.athletes for key in a.entries}
    if entries:
        session.execute(
            insert(EntryRow), [{"athlete_id": a, "event_id": e} for a, e in sorted(entries)]
        )
    summary.entries = len(entries)
    session.flush()
