"""Tables of the events feature: competitions, venues, events, sessions, athletes, follows."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hostcity.core.db import Base, UTCDateTime
from hostcity.core.timeutil import utcnow


class CompetitionRow(Base):
    """One imported Games (or other multi-sport event), named by a slug."""

    __tablename__ = "events_competitions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class VenueRow(Base):
    """A venue of a competition, with its time zone and (when known) coordinates."""

    __tablename__ = "events_venues"
    __table_args__ = (UniqueConstraint("competition_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    competition_id: Mapped[str] = mapped_column(ForeignKey("events_competitions.id"))
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))
    lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    lon: Mapped[float | None] = mapped_column(Float, nullable=True)


class EventRow(Base):
    """A medal event: a discipline and an event name, the key athletes join sessions on."""

    __tablename__ = "events_events"
    __table_args__ = (UniqueConstraint("competition_id", "discipline", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    competition_id: Mapped[str] = mapped_column(ForeignKey("events_competitions.id"))
    discipline: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))


class SessionRow(Base):
    """A scheduled session; ``sequence`` grows each time its time, venue or status changes."""

    __tablename__ = "events_sessions"
    __table_args__ = (UniqueConstraint("competition_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    competition_id: Mapped[str] = mapped_column(ForeignKey("events_competitions.id"))
    code: Mapped[str] = mapped_column(String(64))
    event_id: Mapped[int] = mapped_column(ForeignKey("events_events.id"), index=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("events_venues.id"))
    phase: Mapped[str] = mapped_column(String(300))
    start_at: Mapped[datetime] = mapped_column(UTCDateTime())
    end_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    status: Mapped[str] = mapped_column(String(20))
    medal: Mapped[bool] = mapped_column(Boolean, default=False)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AthleteRow(Base):
    """An athlete; ``name_folded`` is the accent- and case-free name that search matches."""

    __tablename__ = "events_athletes"
    __table_args__ = (UniqueConstraint("competition_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    competition_id: Mapped[str] = mapped_column(ForeignKey("events_competitions.id"))
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    name_folded: Mapped[str] = mapped_column(String(200), index=True)
    noc: Mapped[str] = mapped_column(String(8), index=True)
    gender: Mapped[str] = mapped_column(String(8), default="")


class EntryRow(Base):
    """An athlete entered in a medal event."""

    __tablename__ = "events_entries"

    athlete_id: Mapped[int] = mapped_column(
        ForeignKey("events_athletes.id", ondelete="CASCADE"), primary_key=True
    )
    event_id: Mapped[int] = mapped_column(
        ForeignKey("events_events.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class FollowRow(Base):
    """Something a user follows: an athlete (by id), a NOC (by code) or an event (by id)."""

    __tablename__ = "events_follows"
    __table_args__ = (UniqueConstraint("user_id", "kind", "target"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    target: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SeenRow(Base):
    """What a user last saw of a session, to show what changed since."""

    __tablename__ = "events_seen"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    session_id: Mapped[int] = mapped_column(
        ForeignKey("events_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    start_at: Mapped[datetime] = mapped_column(UTCDateTime())
    end_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    venue_id: Mapped[int] = mapped_column(Integer)
    venue_name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
