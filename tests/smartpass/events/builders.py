"""Small generated event directories, in the generic and the Milano Cortina layouts."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

# Arena and Oval are 1.3 km apart; Far Hall is 12 km away.
VENUES: list[dict[str, Any]] = [
    {"code": "ARN", "name": "Arena", "lat": 52.4328, "lon": 13.5183, "timezone": "Europe/Berlin"},
    {"code": "OVL", "name": "Oval", "lat": 52.4264, "lon": 13.5294, "timezone": "Europe/Berlin"},
    {
        "code": "FAR",
        "name": "Far Hall",
        "lat": 52.5200,
        "lon": 13.4050,
        "timezone": "Europe/Berlin",
    },
]
SESSIONS: list[dict[str, Any]] = [
    {"code": "SSK-1", "discipline": "Speed Skating", "event": "Women's 1500m", "phase": "Heats",
     "venue": "OVL", "start": "2030-02-10T10:00:00+01:00", "end": "2030-02-10T11:00:00+01:00",
     "status": "scheduled", "medal": "0"},
    {"code": "FSK-1", "discipline": "Figure Skating", "event": "Women's Single", "phase": "Short",
     "venue": "ARN", "start": "2030-02-10T11:10:00+01:00", "end": "2030-02-10T13:00:00+01:00",
     "status": "scheduled", "medal": "0"},
    {"code": "SSK-2", "discipline": "Speed Skating", "event": "Women's 1500m", "phase": "Final",
     "venue": "OVL", "start": "2030-02-10T16:00:00+01:00", "end": "2030-02-10T17:00:00+01:00",
     "status": "scheduled", "medal": "1"},
    {"code": "CUR-1", "discipline": "Curling", "event": "Mixed Doubles", "phase": "Final",
     "venue": "FAR", "start": "2030-02-11T09:00:00+01:00", "end": "2030-02-11T11:00:00+01:00",
     "status": "scheduled", "medal": "1"},
]  # fmt: skip
ATHLETES: list[dict[str, Any]] = [
    {"code": "A1", "name": "Élodie Lefèvre", "noc": "FRA", "gender": "W"},
    {"code": "A2", "name": "Søren Ødegård", "noc": "NOR", "gender": "M"},
    {"code": "A3", "name": "Zoë MÜLLER", "noc": "GER", "gender": "W"},
]
ENTRIES: list[dict[str, Any]] = [
    {"athlete": "A1", "discipline": "Speed Skating", "event": "Women's 1500m"},
    {"athlete": "A1", "discipline": "Figure Skating", "event": "Women's Single"},
    {"athlete": "A2", "discipline": "Curling", "event": "Mixed Doubles"},
    {"athlete": "A3", "discipline": "Figure Skating", "event": "Women's Single"},
]
MANIFEST = {"id": "test-games", "name": "Test Games", "timezone": "Europe/Berlin"}


def write_csv(
    path: Path, rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None
) -> None:
    """Write ``rows`` with a header (the keys of the first row unless ``columns``)."""
    names = list(columns or (rows[0].keys() if rows else []))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=names, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def write_generic(
    folder: Path,
    *,
    sessions: Sequence[dict[str, Any]] = SESSIONS,
    venues: Sequence[dict[str, Any]] = VENUES,
    athletes: Sequence[dict[str, Any]] = ATHLETES,
    entries: Sequence[dict[str, Any]] = ENTRIES,
    manifest: dict[str, Any] | None = None,
    inline: bool = False,
) -> Path:
    """A generic-format event: event.json plus CSVs, or everything inline in event.json."""
    folder.mkdir(parents=True, exist_ok=True)
    meta = dict(manifest or MANIFEST)
    tables = {"venues": venues, "sessions": sessions, "athletes": athletes, "entries": entries}
    if inline:
        meta.update({name: [dict(r) for r in rows] for name, rows in tables.items()})
    else:
        for name, rows in tables.items():
            write_csv(folder / f"{name}.csv", rows)
    (folder / "event.json").write_text(json.dumps(meta), encoding="utf-8")
    return folder


MC_SCHEDULE_COLUMNS = [
    "start_date", "end_date", "day", "status", "discipline", "discipline_code", "event",
    "event_medal", "phase", "gender", "event_type", "venue", "venue_code", "location",
    "location_code", "id",
]  # fmt: skip
MC_VENUES = [
    {"venue": "Milano Ice Skating Arena", "venue_code": "MSK", "disciplines": "FSK"},
    {"venue": "Milano Speed Skating Stadium", "venue_code": "MSS", "disciplines": "SSK"},
    {"venue": "Cortina Curling Olympic Stadium", "venue_code": "CCU", "disciplines": "CUR"},
]
MC_SESSIONS = [
    {"start_date": "2026-02-07T10:00:00+01:00", "end_date": "2026-02-07T11:00:00+01:00",
     "status": "FINISHED", "discipline": "Speed Skating", "event": "Women's 3000m",
     "event_medal": "1", "phase": "Women's 3000m", "venue": "Milano Speed Skating Stadium",
     "venue_code": "MSS", "id": "SSKW3000--FNL"},
    {"start_date": "2026-02-07T19:00:00+01:00", "end_date": "2026-02-07T22:00:00+01:00",
     "status": "SCHEDULED", "discipline": "Figure Skating", "event": "Women Single Skating",
     "event_medal": "0", "phase": "Short Program", "venue": "Milano Ice Skating Arena",
     "venue_code": "MSK", "id": "FSKWSINGLES-QUAL"},
    {"start_date": "2026-02-08T09:05:00+01:00", "end_date": "",
     "status": "CANCELLED", "discipline": "Curling", "event": "Women",
     "event_medal": "3", "phase": "Women's Bronze Medal Game",
     "venue": "Cortina Curling Olympic Stadium", "venue_code": "CCU", "id": "CURWTEAM4--BRNZ"},
    {"start_date": "2026-02-06T20:00:00+01:00", "end_date": "2026-02-06T22:30:00+01:00",
     "status": "FINISHED", "discipline": "Ceremonies", "event": "Opening Ceremony",
     "event_medal": "0", "phase": "Opening Ceremony", "venue": "Multiple Venues",
     "venue_code": "MTP", "id": "CERGOPENING"},
]  # fmt: skip
MC_ATHLETES = [
    {"code": "1001", "name": "LEFÈVRE Élodie", "gender": "F", "country_code": "FRA",
     "flag_bearer": "0",
     "events": "[{'discipline': 'Speed Skating', 'event': \"Women's 3000m\"}, "
               "{'discipline': 'Figure Skating', 'event': 'Women Single Skating'}]"},
    {"code": "1002", "name": "ØDEGÅRD Søren", "gender": "M", "country_code": "NOR",
     "flag_bearer": "1", "events": "[{'discipline': 'Curling', 'event': 'Women'}]"},
    {"code": "1003", "name": "ROSSI Giulia", "gender": "F", "country_code": "ITA",
     "flag_bearer": "0", "events": "[{'discipline': 'Bobsleigh', 'event': ''}]"},
]  # fmt: skip


def write_mc(
    folder: Path,
    *,
    sessions: Sequence[dict[str, Any]] = MC_SESSIONS,
    athletes: Sequence[dict[str, Any]] = MC_ATHLETES,
    venues: Sequence[dict[str, Any]] = MC_VENUES,
    repeat: int = 3,
    schedule_columns: Sequence[str] = MC_SCHEDULE_COLUMNS,
) -> Path:
    """A Milano Cortina layout, with each schedule row repeated like the official data."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = [dict(r, day=r["start_date"][:10]) for r in sessions for _ in range(repeat)]
    write_csv(folder / "schedules.csv", rows, schedule_columns)
    write_csv(folder / "athletes.csv", athletes,
              ["code", "name", "gender", "country_code", "flag_bearer", "events"])  # fmt: skip
    write_csv(folder / "venues.csv", venues, ["venue", "venue_code", "disciplines"])
    return folder
