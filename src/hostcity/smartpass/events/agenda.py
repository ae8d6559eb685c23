"""The fan's agenda: sessions in order, reachability from the one before, and changes since seen."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hostcity.smartpass.events.travel import TravelModel, distance_m, travel_time_s
from hostcity.smartpass.events.types import SessionStatus

DEFAULT_SESSION_S = 2 * 3600.0


@dataclass(frozen=True)
class AgendaVenue:
    """Where a session takes place."""

    id: int
    code: str
    name: str
    timezone: str
    lat: float | None
    lon: float | None

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "id": self.id,
            "code": self.code,
            "name": self.name,
            "timezone": self.timezone,
            "lat": self.lat,
            "lon": self.lon,
        }


@dataclass(frozen=True)
class AgendaSession:
    """A session that something the fan follows competes in, with why it is listed."""

    id: int
    competition_id: str
    code: str
    discipline: str
    event: str
    phase: str
    venue: AgendaVenue
    start_at: datetime
    end_at: datetime | None
    status: SessionStatus
    medal: bool
    sequence: int
    reasons: tuple[str, ...] = ()

    @property
    def effective_end_at(self) -> datetime:
        """The end, or the start plus a typical session length when the schedule has none."""
        return self.end_at or self.start_at + timedelta(seconds=DEFAULT_SESSION_S)


@dataclass(frozen=True)
class SeenState:
    """What the fan last saw of a session."""

    start_at: datetime
    end_at: datetime | None
    venue_id: int
    venue_name: str
    status: SessionStatus


@dataclass(frozen=True)
class Change:
    """One difference between what the fan saw and the schedule now."""

    kind: str  # "moved", "venue", "cancelled" or "reinstated"
    before: str
    after: str


@dataclass(frozen=True)
class Reachability:
    """Whether the fan gets from the previous session's venue to this one in time."""

    previous_session_id: int
    previous_venue: AgendaVenue
    left_at: datetime
    travel_s: float | None
    slack_s: float | None
    reachable: bool | None


@dataclass(frozen=True)
class AgendaItem:
    """One line of the agenda."""

    session: AgendaSession
    changes: tuple[Change, ...]
    reach: Reachability | None


def diff_seen(session: AgendaSession, seen: SeenState | None) -> tuple[Change, ...]:
    """The changes of ``session`` since the fan saw ``seen`` (none when never seen)."""
    if seen is None:
        return ()
    changes: list[Change] = []
    if seen.start_at != session.start_at or seen.end_at != session.end_at:
        changes.append(
            Change(
                "moved", _span(seen.start_at, seen.end_at), _span(session.start_at, session.end_at)
            )
        )
    if seen.venue_id != session.venue.id:
        changes.append(Change("venue", seen.venue_name, session.venue.name))
    was_cancelled = seen.status is SessionStatus.CANCELLED
    is_cancelled = session.status is SessionStatus.CANCELLED
    if is_cancelled and not was_cancelled:
        changes.append(Change("cancelled", seen.status.value, session.status.value))
    elif was_cancelled and not is_cancelled:
        changes.append(Change("reinstated", seen.status.value, session.status.value))
    return tuple(changes)


def reach_from(previous: AgendaSession, session: AgendaSession, model: TravelModel) -> Reachability:
    """How the fan fares going from ``previous`` to ``session``."""
    left_at = previous.effective_end_at
    available_s = (session.start_at - left_at).total_seconds()
    a, b = previous.venue, session.venue
    travel: float | None
    if a.id == b.id:
        travel = 0.0
    elif a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        travel = None
    else:
        travel = travel_time_s(distance_m(a.lat, a.lon, b.lat, b.lon), model)
    if travel is None:
        # An overlap is unreachable whatever the distance; otherwise we cannot tell.
        reachable = False if available_s < 0 else None
        return Reachability(previous.id, a, left_at, None, None, reachable)
    slack = available_s - travel
    return Reachability(previous.id, a, left_at, travel, slack, slack >= 0)


def build_agenda(
    sessions: Iterable[AgendaSession],
    seen: Mapping[int, SeenState],
    model: TravelModel,
) -> list[AgendaItem]:
    """Order ``sessions`` by start, flag unreachable ones and attach changes since ``seen``.

    Cancelled sessions stay listed (so the fan sees the cancellation) but are skipped when
    chaining reachability: the previous place is the last session still on.
    """
    ordered = sorted(sessions, key=lambda s: (s.start_at, s.effective_end_at, s.id))
    items: list[AgendaItem] = []
    previous: AgendaSession | None = None
    for session in ordered:
        changes = diff_seen(session, seen.get(session.id))
        if session.status is SessionStatus.CANCELLED:
            items.append(AgendaItem(session, changes, None))
            continue
        reach = reach_from(previous, session, model) if previous is not None else None
        items.append(AgendaItem(session, changes, reach))
        previous = session
    return items


def item_to_dict(item: AgendaItem) -> dict[str, Any]:
    """JSON form of an agenda item: UTC times plus the venue's local times."""
    s = item.session
    tz = ZoneInfo(s.venue.timezone)
    reach = item.reach
    previous_place = None
    if reach is not None:
        previous_place = {
            "session_id": reach.previous_session_id,
            "left_at": reach.left_at.isoformat(),
            **reach.previous_venue.to_dict(),
        }
    return {
        "session_id": s.id,
        "competition": s.competition_id,
        "code": s.code,
        "discipline": s.discipline,
        "event": s.event,
        "phase": s.phase,
        "medal": s.medal,
        "status": s.status.value,
        "start": s.start_at.isoformat(),
        "end": s.end_at.isoformat() if s.end_at else None,
        "end_estimated": s.end_at is None,
        "timezone": s.venue.timezone,
        "start_local": s.start_at.astimezone(tz).isoformat(),
        "end_local": s.effective_end_at.astimezone(tz).isoformat(),
        "day_local": s.start_at.astimezone(tz).date().isoformat(),
        "venue": s.venue.to_dict(),
        "reasons": list(s.reasons),
        "previous_place": previous_place,
        "travel_s": None if reach is None or reach.travel_s is None else round(reach.travel_s),
        "slack_s": None if reach is None or reach.slack_s is None else round(reach.slack_s),
        "reachable": None if reach is None else reach.reachable,
        "changes": [{"kind": c.kind, "before": c.before, "after": c.after} for c in item.changes],
        "trip": None,
    }


def _span(start: datetime, end: datetime | None) -> str:
    return f"{start.isoformat()} to {end.isoformat() if end else '?'}"
