"""Twin tables: traffic-flow observations from real sensors and from the twin's loops."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hostcity.core.db import Base, UTCDateTime
from hostcity.core.timeutil import utcnow


class ObservationRow(Base):
    """One detector's counts, occupancy, speed and (when known) signal state over a window (SI)."""

    __tablename__ = "twin_observations"
    __table_args__ = (Index("ix_twin_observations_detector_to", "detector_id", "observed_to"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    detector_id: Mapped[str] = mapped_column(String(200))
    observed_from: Mapped[datetime] = mapped_column(UTCDateTime())
    observed_to: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    intensity_veh: Mapped[float | None] = mapped_column(Float, nullable=True)
    flow_veh_per_h: Mapped[float | None] = mapped_column(Float, nullable=True)
    occupancy: Mapped[float | None] = mapped_column(Float, nullable=True)
    speed_mps: Mapped[float | None] = mapped_column(Float, nullable=True)
    lane_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    road_segment: Mapped[str | None] = mapped_column(String(200), nullable=True)
    lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    source: Mapped[str] = mapped_column(String(20))
    green_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    occupied_now: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
