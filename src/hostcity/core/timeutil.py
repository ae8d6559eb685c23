"""Time helpers: every time inside HostCity is a timezone-aware UTC datetime."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, as an aware UTC datetime."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """Treat a naive datetime as UTC and convert an aware one to UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def parse_iso(text: str) -> datetime:
    """Parse an ISO-8601 timestamp ('Z' allowed) into an aware UTC datetime.

    Raises:
        ValueError: when ``text`` is not ISO-8601.
    """
    return as_utc(datetime.fromisoformat(text.replace("Z", "+00:00")))
