"""Checks both import formats share: session spans, duplicate keys, entry matching."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from datetime import datetime
from typing import TypeVar

from hostcity.core.errors import ValidationFailed
from hostcity.smartpass.events.formats.rows import Row
from hostcity.smartpass.events.types import AthleteRecord, EventKey, SessionRecord

T = TypeVar("T")


def check_span(row: Row, field: str, start: datetime, end: datetime | None) -> None:
    """An end, when given, must not come before the start."""
    if end is not None and end < start:
        raise row.fail(field, f"ends at {end.isoformat()} before it starts", "swap start and end")


def unique_by_key(
    pairs: Iterable[tuple[Row, T]], key: Callable[[T], Hashable], what: str
) -> tuple[list[T], int]:
    """Drop exact duplicates (same key, same content); returns the records and how many dropped.

    Raises:
        ValidationFailed: when two rows share a key but differ, naming both rows.
    """
    first: dict[Hashable, tuple[Row, T]] = {}
    dropped = 0
    for row, record in pairs:
        k = key(record)
        if k in first:
            earlier_row, earlier = first[k]
            if earlier != record:
                raise ValidationFailed(
                    f"{row.file} row {row.row}: {what} {k!r} is also in row {earlier_row.row} "
                    "with different values",
                    where=f"{row.file}:{row.row}",
                    hint=f"give each {what} one row, or distinct ids",
                )
            dropped += 1
            continue
        first[k] = (row, record)
    return [record for _row, record in first.values()], dropped


def unmatched_entries(athletes: list[AthleteRecord], sessions: list[SessionRecord]) -> int:
    """How many athlete entries name an event that has no session."""
    scheduled: set[EventKey] = {s.key for s in sessions}
    return sum(1 for a in athletes for e in a.entries if e not in scheduled)
