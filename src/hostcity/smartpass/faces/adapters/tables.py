"""Tables of the faces feature: holders, encrypted templates, tickets, gate audit, erasures."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hostcity.core.db import Base, UTCDateTime
from hostcity.core.timeutil import utcnow


class FaceHolderRow(Base):
    """A person who enrolled their face, with the consent they gave."""

    __tablename__ = "face_holders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    consent_version: Mapped[str] = mapped_column(String(50))
    consented_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class FaceTemplateRow(Base):
    """One face template, AES-GCM encrypted; ``key_id`` names the key that sealed it."""

    __tablename__ = "face_templates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    holder_id: Mapped[int] = mapped_column(
        ForeignKey("face_holders.id", ondelete="CASCADE"), index=True
    )
    key_id: Mapped[str] = mapped_column(String(50))
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    sealed_photo: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class FaceTicketRow(Base):
    """A ticket or accreditation: the venue (and session) it admits to, and when."""

    __tablename__ = "face_tickets"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    venue_id: Mapped[str] = mapped_column(String(100), index=True)
    session_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    valid_from: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    valid_to: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    holder_id: Mapped[int | None] = mapped_column(
        ForeignKey("face_holders.id", ondelete="SET NULL"), nullable=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class FaceGateAuditRow(Base):
    """One gate decision; never an image, and the holder id only when admitted."""

    __tablename__ = "face_gate_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    gate_id: Mapped[str] = mapped_column(String(100))
    venue_id: Mapped[str] = mapped_column(String(100), index=True)
    device_user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    mode: Mapped[str] = mapped_column(String(10))
    decision: Mapped[str] = mapped_column(String(10))
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    holder_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    elapsed_ms: Mapped[float] = mapped_column(Float, default=0.0)


class FaceErasureRow(Base):
    """A record that a holder's face data was erased, by whom, and how much."""

    __tablename__ = "face_erasures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    holder_id: Mapped[int] = mapped_column(Integer)
    by_user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    by_role: Mapped[str] = mapped_column(String(20))
    templates_removed: Mapped[int] = mapped_column(Integer)
