"""The generic event format: event.json, with tables inline or in CSV files beside it."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from hostcity.core.errors import ValidationFailed
from hostcity.core.textfiles import read_utf8
from hostcity.smartpass.events.formats.common import check_span, unique_by_key, unmatched_entries
from hostcity.smartpass.events.formats.rows import (
    Row,
    json_rows,
    parse_bool,
    parse_float,
    parse_status,
    parse_time,
    read_csv,
    zone,
)
from hostcity.smartpass.events.types import (
    AthleteRecord,
    EventBundle,
    EventKey,
    SessionRecord,
    VenueRecord,
)

MANIFEST = "event.json"
COLUMNS: dict[str, tuple[str, ...]] = {
    "venues": ("code", "name"),
    "sessions": ("code", "discipline", "event", "venue", "start"),
    "athletes": ("code", "name", "noc"),
    "entries": ("athlete", "discipline", "event"),
}
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


def load(path: Path, *, anchor: date | None = None) -> EventBundle:
    """Read ``event.json`` in ``path`` and the tables it holds or names.

    Raises:
        ValidationFailed: naming the file, row and field of the first bad value.
    """
    manifest = _manifest(path / MANIFEST)
    competition_id = str(manifest.get("id", "")).strip()
    if not _ID.match(competition_id):
        raise ValidationFailed(
            f"{MANIFEST}: 'id' {competition_id!r} is not a lowercase slug",
            where=f"{MANIFEST}:id",
            hint="use letters, digits and '-', like winter-games-2030",
        )
    tz_name = str(manifest.get("timezone", "")).strip()
    event_tz = zone(tz_name, where=f"{MANIFEST}:timezone", file=MANIFEST)
    if anchor is None:
        anchor = datetime.now(event_tz).date()
    tables = {name: _table(path, manifest, name) for name in COLUMNS}
    venues = [_venue(row, tz_name) for row in tables["venues"]]
    venues, _ = unique_by_key(zip(tables["venues"], venues, strict=True), lambda v: v.code, "venue")
    by_code = {v.code: v for v in venues}
    pairs = [(row, _session(row, by_code, anchor)) for row in tables["sessions"]]
    sessions, dup_sessions = unique_by_key(pairs, lambda s: s.code, "session code")
    athletes = _athletes(tables["athletes"], tables["entries"])
    notes = [
        f"{len(sessions)} sessions, {len(athletes)} athletes, {len(venues)} venues",
        f"merged {dup_sessions} repeated session rows",
        f"{unmatched_entries(athletes, sessions)} athlete entries match no scheduled session",
    ]
    name = str(manifest.get("name") or competition_id)
    return EventBundle(competition_id, name, tz_name, venues, sessions, athletes, notes)


def _manifest(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(read_utf8(path, "event file"))
    except json.JSONDecodeError as exc:
        raise ValidationFailed(
            f"{MANIFEST} is not valid JSON: {exc.msg} at line {exc.lineno}",
            where=f"{MANIFEST}:{exc.lineno}",
            hint="fix the JSON syntax",
        ) from exc
    if not isinstance(data, dict):
        raise ValidationFailed(
            f"{MANIFEST} must hold one object", where=MANIFEST, hint="see docs/events-format.md"
        )
    return data


def _table(path: Path, manifest: dict[str, Any], name: str) -> list[Row]:
    if name in manifest:
        rows = json_rows(MANIFEST, name, manifest[name])
        for row in rows:
            for column in COLUMNS[name]:
                if column not in row.values:
                    raise row.fail(column, "is missing", f"give each {name} item '{column}'")
        return rows
    if name == "entries" and not (path / "entries.csv").is_file():
        return []
    return read_csv(path / f"{name}.csv", COLUMNS[name])


def _venue(row: Row, default_tz: str) -> VenueRecord:
    tz_name = row.get("timezone") or default_tz
    zone(tz_name, where=row.where("timezone"), file=row.file)
    return VenueRecord(
        code=row.required("code"),
        name=row.required("name"),
        timezone=tz_name,
        lat=parse_float(row, "lat", -90, 90),
        lon=parse_float(row, "lon", -180, 180),
    )


def _session(row: Row, venues: dict[str, VenueRecord], anchor: date) -> SessionRecord:
    code = row.required("venue")
    venue = venues.get(code)
    if venue is None:
        raise row.fail("venue", f"unknown venue {code!r}", "add it to the venues table first")
    tz = ZoneInfo(venue.timezone)
    start = parse_time(row, "start", tz, anchor=anchor)
    end = parse_time(row, "end", tz, anchor=anchor) if row.get("end") else None
    check_span(row, "end", start, end)
    return SessionRecord(
        code=row.required("code"),
        key=EventKey(row.required("discipline"), row.required("event")),
        phase=row.get("phase") or row.required("event"),
        venue_code=code,
        start_at=start,
        end_at=end,
        status=parse_status(row, "status"),
        medal=parse_bool(row, "medal"),
    )


def _athletes(rows: list[Row], entry_rows: list[Row]) -> list[AthleteRecord]:
    pairs = [
        (
            row,
            AthleteRecord(
                row.required("code"),
                row.required("name"),
                row.required("noc").upper(),
                row.get("gender"),
            ),
        )
        for row in rows
    ]
    athletes, _ = unique_by_key(pairs, lambda a: a.code, "athlete code")
    entries: dict[str, list[EventKey]] = {a.code: [] for a in athletes}
    for row in entry_rows:
        code = row.required("athlete")
        if code not in entries:
            raise row.fail("athlete", f"unknown athlete {code!r}", "add them to athletes first")
        key = EventKey(row.required("discipline"), row.required("event"))
        if key not in entries[code]:
            entries[code].append(key)
    return [
        AthleteRecord(a.code, a.name, a.noc, a.gender, tuple(entries[a.code])) for a in athletes
    ]
