"""The Milano Cortina 2026 CSV layout: schedules.csv, athletes.csv and venues.csv."""

from __future__ import annotations

import ast
from pathlib import Path
from zoneinfo import ZoneInfo

from hostcity.smartpass.events.formats.common import check_span, unique_by_key, unmatched_entries
from hostcity.smartpass.events.formats.rows import (
    Row,
    parse_status,
    parse_time,
    read_csv,
    zone,
)
from hostcity.smartpass.events.mc_venues import MC_VENUE_COORDS, MULTIPLE_VENUES
from hostcity.smartpass.events.types import (
    AthleteRecord,
    EventBundle,
    EventKey,
    SessionRecord,
    VenueRecord,
)

SCHEDULES = "schedules.csv"
ATHLETES = "athletes.csv"
VENUES = "venues.csv"
COMPETITION_ID = "milano-cortina-2026"
COMPETITION_NAME = "Milano Cortina 2026"
TIMEZONE = "Europe/Rome"

SCHEDULE_COLUMNS = (
    "id",
    "start_date",
    "end_date",
    "status",
    "discipline",
    "event",
    "phase",
    "venue_code",
)
ATHLETE_COLUMNS = ("code", "name", "country_code", "events")
VENUE_COLUMNS = ("venue", "venue_code")


def load(path: Path) -> EventBundle:
    """Read the Milano Cortina 2026 files in ``path``.

    The official data lists most sessions three times over; identical rows are merged and
    counted in the notes. Venues get approximate coordinates from ``mc_venues``.

    Raises:
        ValidationFailed: naming the file, row and field of the first bad value.
    """
    tz = zone(TIMEZONE, where=TIMEZONE, file=SCHEDULES)
    venues = _venues(read_csv(path / VENUES, VENUE_COLUMNS))
    known = {v.code for v in venues}
    pairs = [
        (row, _session(row, tz, known)) for row in read_csv(path / SCHEDULES, SCHEDULE_COLUMNS)
    ]
    sessions, dup_sessions = unique_by_key(pairs, lambda s: s.code, "session id")
    if any(s.venue_code == MULTIPLE_VENUES for s in sessions):
        venues.append(VenueRecord(MULTIPLE_VENUES, "Multiple Venues", TIMEZONE))
    athlete_rows = read_csv(path / ATHLETES, ATHLETE_COLUMNS)
    athletes, dup_athletes = unique_by_key(
        ((row, _athlete(row)) for row in athlete_rows), lambda a: a.code, "athlete code"
    )
    notes = [
        f"{len(sessions)} sessions, {len(athletes)} athletes, {len(venues)} venues",
        f"merged {dup_sessions} repeated schedule rows and {dup_athletes} repeated athlete rows",
        f"{unmatched_entries(athletes, sessions)} athlete entries match no scheduled session",
    ]
    return EventBundle(
        COMPETITION_ID, COMPETITION_NAME, TIMEZONE, venues, sessions, athletes, notes
    )


def _venues(rows: list[Row]) -> list[VenueRecord]:
    venues: dict[str, VenueRecord] = {}
    for row in rows:
        code = row.required("venue_code")
        lat, lon = MC_VENUE_COORDS.get(code, (None, None))
        venues[code] = VenueRecord(code, row.required("venue"), TIMEZONE, lat, lon)
    return list(venues.values())


def _session(row: Row, tz: ZoneInfo, known_venues: set[str]) -> SessionRecord:
    venue = row.required("venue_code")
    if venue not in known_venues and venue != MULTIPLE_VENUES:
        raise row.fail("venue_code", f"unknown venue {venue!r}", f"add {venue} to {VENUES}")
    start = parse_time(row, "start_date", tz)
    end = parse_time(row, "end_date", tz) if row.get("end_date") else None
    check_span(row, "end_date", start, end)
    return SessionRecord(
        code=row.required("id"),
        key=EventKey(row.required("discipline"), row.required("event")),
        phase=row.get("phase") or row.required("event"),
        venue_code=venue,
        start_at=start,
        end_at=end,
        status=parse_status(row, "status"),
        medal=_medal(row),
    )


def _medal(row: Row) -> bool:
    # 0: no medal; 1 and 3 (finals and bronze-medal finals) award medals.
    text = row.get("event_medal") or "0"
    if not text.isdigit():
        raise row.fail("event_medal", f"{text!r} is not a number", "write 0, 1 or 3")
    return text != "0"


def _athlete(row: Row) -> AthleteRecord:
    return AthleteRecord(
        code=row.required("code"),
        name=row.required("name"),
        noc=row.required("country_code").upper(),
        gender=row.get("gender"),
        entries=_entries(row),
    )


def _entries(row: Row) -> tuple[EventKey, ...]:
    text = row.get("events")
    if not text:
        return ()
    hint = "write a list like [{'discipline': 'Curling', 'event': 'Women'}]"
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        raise row.fail("events", "is not a list of entries", hint) from None
    if not isinstance(value, list) or not all(isinstance(e, dict) for e in value):
        raise row.fail("events", "is not a list of entries", hint)
    keys: list[EventKey] = []
    for entry in value:
        discipline, event = entry.get("discipline"), entry.get("event")
        if not isinstance(discipline, str) or not isinstance(event, str):
            raise row.fail("events", "an entry lacks 'discipline' or 'event'", hint)
        key = EventKey(discipline.strip(), event.strip())
        if key.discipline and key.event and key not in keys:
            keys.append(key)
    return tuple(keys)
