"""Plain data of the events feature: venues, sessions, athletes and what an import holds."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class SessionStatus(StrEnum):
    """Where a session stands in the schedule."""

    SCHEDULED = "scheduled"
    RUNNING = "running"
    FINISHED = "finished"
    POSTPONED = "postponed"
    CANCELLED = "cancelled"


class FollowKind(StrEnum):
    """What a fan can follow: one athlete, a whole team (NOC), or one medal event."""

    ATHLETE = "athlete"
    NOC = "noc"
    EVENT = "event"


@dataclass(frozen=True)
class EventKey:
    """A medal event, named by its discipline and event, as the schedule joins athletes."""

    discipline: str
    event: str


@dataclass(frozen=True)
class VenueRecord:
    """A venue as imported; coordinates may be unknown (``None``)."""

    code: str
    name: str
    timezone: str
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True)
class SessionRecord:
    """One scheduled session of a medal event at a venue; times are aware UTC."""

    code: str
    key: EventKey
    phase: str
    venue_code: str
    start_at: datetime
    end_at: datetime | None
    status: SessionStatus
    medal: bool = False


@dataclass(frozen=True)
class AthleteRecord:
    """An athlete with the medal events they are entered in."""

    code: str
    name: str
    noc: str
    gender: str = ""
    entries: tuple[EventKey, ...] = ()


@dataclass
class EventBundle:
    """Everything one import brings: a competition's venues, sessions and athletes."""

    competition_id: str
    name: str
    timezone: str
    venues: list[VenueRecord]
    sessions: list[SessionRecord]
    athletes: list[AthleteRecord]
    notes: list[str] = field(default_factory=list)
