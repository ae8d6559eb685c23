"""Reading tabular rows from CSV files or JSON arrays, with errors naming file, row and field."""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from hostcity.core.errors import ValidationFailed
from hostcity.core.timeutil import as_utc
from hostcity.smartpass.events.types import SessionStatus

_RELATIVE = re.compile(r"^\+(\d{1,3})T(\d{2}):(\d{2})$")
_STATUS_ALIASES = {"canceled": "cancelled", "": "scheduled", "ongoing": "running"}


@dataclass(frozen=True)
class Row:
    """One record of a table; ``file`` and ``row`` say where it came from."""

    file: str
    row: str
    values: dict[str, str]

    def where(self, field: str) -> str:
        """``file:row:field``, the machine-readable location of a value."""
        return f"{self.file}:{self.row}:{field}"

    def fail(self, field: str, problem: str, hint: str) -> ValidationFailed:
        """An error naming this row and ``field``."""
        return ValidationFailed(
            f"{self.file} row {self.row}, field '{field}': {problem}",
            where=self.where(field),
            hint=hint,
        )

    def get(self, field: str) -> str:
        """The stripped value of ``field``, '' when absent."""
        return (self.values.get(field) or "").strip()

    def required(self, field: str) -> str:
        """The value of ``field``; it must not be empty."""
        value = self.get(field)
        if not value:
            raise self.fail(field, "is empty", f"give every row a {field}")
        return value


def read_csv(path: Path, required: Sequence[str]) -> list[Row]:
    """The rows of a UTF-8 CSV file with a header; ``row`` is the file's line number.

    Raises:
        ValidationFailed: for a missing file, a missing column or a ragged row.
    """
    name = path.name
    if not path.is_file():
        raise ValidationFailed(
            f"{name} is missing from {path.parent}", where=name, hint=f"add {name}"
        )
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = [h.strip() for h in reader.fieldnames or []]
            missing = [c for c in required if c not in header]
            if missing:
                cols = ", ".join(f"'{c}'" for c in missing)
                raise ValidationFailed(
                    f"{name}: missing column {cols}",
                    where=f"{name}:1:{missing[0]}",
                    hint=f"the header of {name} needs: {', '.join(required)}",
                )
            reader.fieldnames = header
            rows: list[Row] = []
            for record in reader:
                line = str(reader.line_num)
                if None in record or any(v is None for v in record.values()):
                    raise ValidationFailed(
                        f"{name} row {line}: has {'more' if None in record else 'fewer'} "
                        "fields than the header",
                        where=f"{name}:{line}",
                        hint="quote values that contain commas",
                    )
                rows.append(Row(name, line, {k: v for k, v in record.items() if k}))
    except UnicodeDecodeError as exc:
        raise ValidationFailed(
            f"{name} is not UTF-8 text ({exc.reason})", where=name, hint="save it as UTF-8"
        ) from exc
    except csv.Error as exc:
        raise ValidationFailed(f"{name}: {exc}", where=name, hint="check quoting") from exc
    return rows


def json_rows(file: str, table: str, items: Any) -> list[Row]:
    """Rows from a JSON array of objects; ``row`` reads like ``sessions[3]``.

    Raises:
        ValidationFailed: when ``items`` is not a list of objects.
    """
    if not isinstance(items, list):
        raise ValidationFailed(
            f"{file}: '{table}' must be a list of objects",
            where=f"{file}:{table}",
            hint="see docs/events-format.md",
        )
    rows = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise ValidationFailed(
                f"{file}: {table}[{index}] is not an object",
                where=f"{file}:{table}[{index}]",
                hint="see docs/events-format.md",
            )
        values = {str(k): "" if v is None else _scalar(v) for k, v in item.items()}
        rows.append(Row(file, f"{table}[{index}]", values))
    return rows


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return str(value)


def zone(name: str, *, where: str, file: str) -> ZoneInfo:
    """The IANA time zone ``name``.

    Raises:
        ValidationFailed: for an unknown zone.
    """
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationFailed(
            f"{file}: unknown time zone {name!r}",
            where=where,
            hint="use an IANA name such as Europe/Rome",
        ) from None


def parse_time(row: Row, field: str, tz: ZoneInfo, *, anchor: date | None = None) -> datetime:
    """An aware UTC time from ISO-8601 (naive means ``tz``) or, with ``anchor``, ``+D T HH:MM``.

    Raises:
        ValidationFailed: naming the row and field of a bad value.
    """
    text = row.required(field)
    match = _RELATIVE.match(text)
    if match and anchor is not None:
        days, hour, minute = (int(g) for g in match.groups())
        try:
            local = datetime.combine(anchor + timedelta(days=days), time(hour, minute), tz)
        except ValueError as exc:
            raise row.fail(field, f"{text!r}: {exc}", "write +DAYSTHH:MM") from None
        return as_utc(local)
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise row.fail(
            field, f"{text!r} is not an ISO-8601 time", "write it like 2026-02-07T11:30:00+01:00"
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return as_utc(value)


def parse_status(row: Row, field: str) -> SessionStatus:
    """A session status (case-insensitive; empty means scheduled)."""
    text = row.get(field).lower()
    text = _STATUS_ALIASES.get(text, text)
    try:
        return SessionStatus(text)
    except ValueError:
        choices = ", ".join(s.value for s in SessionStatus)
        raise row.fail(
            field, f"unknown status {row.get(field)!r}", f"use one of: {choices}"
        ) from None


def parse_float(row: Row, field: str, low: float, high: float) -> float | None:
    """A number in [low, high], or ``None`` when empty."""
    text = row.get(field)
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise row.fail(field, f"{text!r} is not a number", "write decimal degrees") from None
    if not low <= value <= high:
        raise row.fail(field, f"{value} is outside [{low}, {high}]", "check lat and lon order")
    return value


def parse_bool(row: Row, field: str) -> bool:
    """A flag: 1/0, true/false, yes/no; empty is false."""
    text = row.get(field).lower()
    if text in {"", "0", "false", "no"}:
        return False
    if text in {"1", "true", "yes"}:
        return True
    raise row.fail(field, f"{row.get(field)!r} is not a flag", "write 1 or 0")
