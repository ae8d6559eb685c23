"""Tables of the recordings feature: camera sets and their cameras."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hostcity.core.db import Base, UTCDateTime
from hostcity.core.timeutil import utcnow


class CameraSetRow(Base):
    """A session's multi-camera recording, registered in one transaction."""

    __tablename__ = "replay_camera_sets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    media_dir: Mapped[str] = mapped_column(Text)
    sync_method: Mapped[str] = mapped_column(String(20))
    action_track: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    cameras: Mapped[list[CameraRow]] = relationship(
        back_populates="camera_set",
        cascade="all, delete-orphan",
        order_by="CameraRow.position",
    )


class CameraRow(Base):
    """One camera of a set: its file, probed properties and offset on the shared timeline."""

    __tablename__ = "replay_cameras"
    __table_args__ = (UniqueConstraint("set_id", "name", name="uq_replay_cameras_set_id_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    set_id: Mapped[int] = mapped_column(
        ForeignKey("replay_camera_sets.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    path: Mapped[str] = mapped_column(Text)
    original_path: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)
    angle_deg: Mapped[float | None] = mapped_column(Float, nullable=True)
    offset_s: Mapped[float] = mapped_column(Float)
    sync_method: Mapped[str] = mapped_column(String(20))
    sync_confidence: Mapped[float | None] = mapped_column(Float, nullable=True)
    duration_s: Mapped[float] = mapped_column(Float)
    fps_num: Mapped[int] = mapped_column(Integer)
    fps_den: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    video_codec: Mapped[str] = mapped_column(String(50))
    has_audio: Mapped[bool] = mapped_column(Boolean)
    thumbs_path: Mapped[str | None] = mapped_column(Text, nullable=True)
    thumb_interval_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    thumb_count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    camera_set: Mapped[CameraSetRow] = relationship(back_populates="cameras")
