"""Database access for the feed registry."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hostcity.smartpass.transit.adapters.tables import TransitFeedRow


def get_feed_row(session: Session, feed_id: str) -> TransitFeedRow | None:
    """The registry row of ``feed_id``, if imported."""
    return session.get(TransitFeedRow, feed_id)


def list_feed_rows(session: Session) -> list[TransitFeedRow]:
    """Every imported feed, by id."""
    return list(session.scalars(select(TransitFeedRow).order_by(TransitFeedRow.id)))


def save_feed_row(session: Session, row: TransitFeedRow) -> TransitFeedRow:
    """Insert or replace a feed's registry row."""
    existing = session.get(TransitFeedRow, row.id)
    if existing is not None:
        session.delete(existing)
        session.flush()
    session.add(row)
    session.flush()
    return row
