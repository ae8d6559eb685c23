"""Emergency tables: units with their home stations, and the calls they were sent to."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hostcity.core.db import Base, UTCDateTime
from hostcity.core.timeutil import utcnow


class UnitRow(Base):
    """An ambulance, fire engine or police car, its home station and its status."""

    __tablename__ = "emergency_units"

    id: Mapped[str] = mapped_column(String(50), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    station_edge: Mapped[str] = mapped_column(String(200))
    station_pos_m: Mapped[float] = mapped_column(Float)
    station_x_m: Mapped[float] = mapped_column(Float)
    station_y_m: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20), index=True)
    call_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CallRow(Base):
    """An emergency call: where, which unit went, its route and ETA, and when it arrived."""

    __tablename__ = "emergency_calls"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    unit_id: Mapped[str] = mapped_column(String(50), index=True)
    edge_id: Mapped[str] = mapped_column(String(200))
    pos_m: Mapped[float] = mapped_column(Float)
    x_m: Mapped[float] = mapped_column(Float)
    y_m: Mapped[float] = mapped_column(Float)
    eta_s: Mapped[float] = mapped_column(Float)
    route: Mapped[list[Any]] = mapped_column(JSON, default=list)
    candidates: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    dispatched_sim_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    arrived_sim_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    arrived_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    note: Mapped[str | None] = mapped_column(String(500), nullable=True)
