"""The events feature's operations, shared by the API, the CLI and the demo seeder."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from hostcity.core.db import session_scope
from hostcity.core.errors import InputError, NotFoundError
from hostcity.core.timeutil import utcnow
from hostcity.smartpass.events.adapters import store
from hostcity.smartpass.events.adapters.importer import ImportSummary, Report, write_bundle
from hostcity.smartpass.events.adapters.tables import AthleteRow, EventRow, FollowRow, VenueRow
from hostcity.smartpass.events.agenda import AgendaItem, AgendaSession, build_agenda, item_to_dict
from hostcity.smartpass.events.formats import load_event_dir
from hostcity.smartpass.events.ical import agenda_to_ics
from hostcity.smartpass.events.travel import TravelModel
from hostcity.smartpass.events.types import FollowKind


def _no_report(_fraction: float, _message: str) -> None:
    return None


def import_dir(
    factory: sessionmaker[Session],
    path: Path,
    *,
    anchor: date | None = None,
    report: Report = _no_report,
) -> tuple[ImportSummary, list[str]]:
    """Read an event directory and write it in one transaction: all of it or nothing.

    Returns:
        What changed, and the reader's notes (counts, merged duplicates).

    Raises:
        InputError: when the directory is not an event.
        ValidationFailed: naming the file, row and field of the first bad value.
    """
    report(0.0, "reading files")
    bundle = load_event_dir(path, anchor=anchor)
    report(0.3, "writing")
    with session_scope(factory) as session:
        summary = write_bundle(session, bundle, lambda f, m: report(0.3 + 0.7 * f, m))
    return summary, bundle.notes


def athlete_dict(row: AthleteRow, events: list[EventRow]) -> dict[str, Any]:
    """JSON form of an athlete and their events."""
    return {
        "id": row.id,
        "competition": row.competition_id,
        "code": row.code,
        "name": row.name,
        "noc": row.noc,
        "gender": row.gender,
        "events": [event_dict(e) for e in events],
    }


def event_dict(row: EventRow) -> dict[str, Any]:
    """JSON form of a medal event."""
    return {
        "id": row.id,
        "competition": row.competition_id,
        "discipline": row.discipline,
        "event": row.name,
    }


def venue_dict(row: VenueRow) -> dict[str, Any]:
    """JSON form of a venue."""
    return {
        "id": row.id,
        "competition": row.competition_id,
        "code": row.code,
        "name": row.name,
        "timezone": row.timezone,
        "lat": row.lat,
        "lon": row.lon,
    }


def search_athletes(
    session: Session,
    *,
    query: str = "",
    noc: str | None = None,
    discipline: str | None = None,
    competition: str | None = None,
    limit: int = 50,
) -> list[dict[str, Any]]:
    """Athletes matching every word of ``query`` regardless of accents and case."""
    if not (query.strip() or noc or discipline):
        raise InputError(
            "search needs a name, a country or a discipline", hint="pass q=, noc= or discipline="
        )
    rows = store.search_athletes(
        session, query=query, noc=noc, discipline=discipline, competition=competition, limit=limit
    )
    entries = store.entries_of(session, [r.id for r in rows])
    return [athlete_dict(r, entries.get(r.id, [])) for r in rows]


def get_athlete(session: Session, athlete_id: int) -> dict[str, Any]:
    """One athlete.

    Raises:
        NotFoundError: for an unknown id.
    """
    row = store.athlete_row(session, athlete_id)
    return athlete_dict(row, store.entries_of(session, [row.id]).get(row.id, []))


def get_session(session: Session, session_id: int) -> dict[str, Any]:
    """One session with its venue and local times.

    Raises:
        NotFoundError: for an unknown id.
    """
    return item_to_dict(AgendaItem(store.session_with_context(session, session_id), (), None))


def parse_follow(kind: str, target: str) -> tuple[FollowKind, str]:
    """A follow request's kind and normalised target.

    Raises:
        InputError: for an unknown kind or a target of the wrong shape.
    """
    try:
        parsed = FollowKind(kind.strip().lower())
    except ValueError:
        raise InputError(
            f"cannot follow a {kind!r}", hint="follow an athlete, noc or event"
        ) from None
    target = str(target).strip()
    if parsed is FollowKind.NOC:
        if not target.isalpha() or not 2 <= len(target) <= 8:
            raise InputError(f"{target!r} is not a NOC code", hint="use a code like ITA or NOR")
        return parsed, target.upper()
    if not target.isdigit():
        raise InputError(
            f"{parsed.value} id {target!r} is not a number", hint="use the id from search"
        )
    return parsed, str(int(target))


def follow(session: Session, user_id: int, kind: str, target: str) -> dict[str, Any]:
    """Follow an athlete, a NOC or an event; following twice is harmless.

    Raises:
        InputError: for a malformed request.
        NotFoundError: for an unknown athlete, event or NOC.
    """
    parsed, key = parse_follow(kind, target)
    label = _label(session, parsed, key)
    if store.find_follow(session, user_id, parsed, key) is None:
        try:
            with session.begin_nested():
                row = FollowRow(user_id=user_id, kind=parsed.value, target=key, created_at=utcnow())
                session.add(row)
        except IntegrityError:
            pass  # a concurrent request of the same fan followed it first: same outcome
        # What the fan sees now is the baseline later changes are shown against.
        reasons = store.followed_reasons(session, store.follows_of(session, user_id))
        _baseline(session, user_id, store.agenda_sessions(session, reasons))
    return {"kind": parsed.value, "target": key, "label": label}


def unfollow(session: Session, user_id: int, kind: str, target: str) -> None:
    """Stop following.

    Raises:
        NotFoundError: when the user does not follow it.
    """
    parsed, key = parse_follow(kind, target)
    row = store.find_follow(session, user_id, parsed, key)
    if row is None:
        raise NotFoundError(
            f"you do not follow {parsed.value} {key}", hint="list GET /api/pass/follows"
        )
    session.delete(row)
    session.flush()


def list_follows(session: Session, user_id: int) -> list[dict[str, Any]]:
    """What the user follows, with readable labels."""
    out = []
    for row in store.follows_of(session, user_id):
        kind = FollowKind(row.kind)
        try:
            label = _label(session, kind, row.target)
        except NotFoundError:
            label = f"{kind.value} {row.target} (no longer listed)"
        out.append({"kind": kind.value, "target": row.target, "label": label})
    return out


def agenda(session: Session, user_id: int, model: TravelModel) -> list[AgendaItem]:
    """The user's agenda; sessions never seen before become the baseline for changes."""
    reasons = store.followed_reasons(session, store.follows_of(session, user_id))
    sessions = store.agenda_sessions(session, reasons)
    items = build_agenda(sessions, store.seen_states(session, user_id), model)
    _baseline(session, user_id, sessions)
    return items


def mark_seen(session: Session, user_id: int) -> int:
    """Acknowledge every change in the user's agenda; returns how many sessions were marked."""
    reasons = store.followed_reasons(session, store.follows_of(session, user_id))
    return store.record_seen(
        session, user_id, store.agenda_sessions(session, reasons), overwrite=True
    )


def agenda_ics(session: Session, user_id: int, model: TravelModel, *, now: datetime) -> bytes:
    """The user's agenda as an iCalendar file."""
    return agenda_to_ics(agenda(session, user_id, model), now=now, name="HostCity agenda")


def _baseline(session: Session, user_id: int, sessions: list[AgendaSession]) -> None:
    # Two agenda requests of one fan at once may both insert a first snapshot; either is right.
    try:
        with session.begin_nested():
            store.record_seen(session, user_id, sessions, overwrite=False)
    except IntegrityError:
        pass


def _label(session: Session, kind: FollowKind, key: str) -> str:
    if kind is FollowKind.ATHLETE:
        row = store.athlete_row(session, int(key))
        return f"{row.name} ({row.noc})"
    if kind is FollowKind.EVENT:
        event = store.event_row(session, int(key))
        return f"{event.discipline}: {event.name}"
    if not store.noc_exists(session, key):
        raise NotFoundError(
            f"no athlete represents NOC {key!r}", hint="check the three-letter code"
        )
    return f"team {key}"
