"""Tables of the egress feature: the live crowd count per venue area."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hostcity.core.db import Base, UTCDateTime
from hostcity.core.timeutil import utcnow


class CrowdCountRow(Base):
    """The latest head count of one area of a venue."""

    __tablename__ = "egress_crowd_counts"

    venue_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    area_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    people: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
