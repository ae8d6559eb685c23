"""Incident tables: incidents, registered webhooks, per-detector feedback damping, exercises."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hostcity.core.db import Base, UTCDateTime
from hostcity.core.timeutil import utcnow


class IncidentRow(Base):
    """One incident the detector raised, and what operators decided about it."""

    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    detector_id: Mapped[str] = mapped_column(String(200), index=True)
    edge_id: Mapped[str] = mapped_column(String(200))
    lane_id: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), index=True)
    severity: Mapped[str] = mapped_column(String(20))
    confidence: Mapped[float] = mapped_column(Float)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    x_m: Mapped[float | None] = mapped_column(Float, nullable=True)
    y_m: Mapped[float | None] = mapped_column(Float, nullable=True)
    decided_by: Mapped[int | None] = mapped_column(Integer, nullable=True)


class WebhookRow(Base):
    """A URL that receives every new incident as a CAP document."""

    __tablename__ = "incident_webhooks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by: Mapped[int | None] = mapped_column(Integer, nullable=True)


class DampingRow(Base):
    """How much operator dismissals have damped one detector's sensitivity."""

    __tablename__ = "incident_detector_damping"

    detector_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    damping: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ExerciseRow(Base):
    """One detector exercise, kept so its incident stays an exercise after a restart."""

    __tablename__ = "incident_exercises"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    detector_id: Mapped[str] = mapped_column(String(200))
    lane_id: Mapped[str] = mapped_column(String(200))
    edge_id: Mapped[str] = mapped_column(String(200))
    duration_s: Mapped[float] = mapped_column(Float)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime())
    state: Mapped[str] = mapped_column(String(20))
    requested_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    vehicle: Mapped[str | None] = mapped_column(String(200), nullable=True)
    stalled_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    released_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    incident_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    detected_after_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    note: Mapped[str] = mapped_column(String(500), default="")
