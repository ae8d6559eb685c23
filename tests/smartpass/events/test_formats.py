"""Import formats: the generic CSV/JSON format, the Milano Cortina layout, and bad files."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from hostcity.core.errors import InputError, ValidationFailed
from hostcity.smartpass.events.formats import load_event_dir
from hostcity.smartpass.events.types import EventKey, SessionStatus
from tests.smartpass.events.builders import (
    ATHLETES,
    ENTRIES,
    MC_ATHLETES,
    MC_SCHEDULE_COLUMNS,
    MC_SESSIONS,
    SESSIONS,
    VENUES,
    write_csv,
    write_generic,
    write_mc,
)


@pytest.mark.parametrize("inline", [pytest.param(False, id="csv"), pytest.param(True, id="json")])
def test_generic_format_reads_times_as_utc(tmp_path: Path, inline: bool) -> None:
    bundle = load_event_dir(write_generic(tmp_path / "ev", inline=inline))
    assert bundle.competition_id == "test-games"
    assert [s.code for s in bundle.sessions] == [s["code"] for s in SESSIONS]
    first = bundle.sessions[0]
    assert first.start_at == datetime(2030, 2, 10, 9, 0, tzinfo=UTC)
    assert first.key == EventKey("Speed Skating", "Women's 1500m")
    assert bundle.sessions[2].medal is True
    by_code = {a.code: a for a in bundle.athletes}
    assert by_code["A1"].entries == (
        EventKey("Speed Skating", "Women's 1500m"),
        EventKey("Figure Skating", "Women's Single"),
    )
    assert {v.code: v.lat for v in bundle.venues}["FAR"] == pytest.approx(52.52)


def test_generic_naive_and_relative_times_use_the_venue_zone(tmp_path: Path) -> None:
    sessions = [
        dict(SESSIONS[0], start="2030-07-01T10:00", end="2030-07-01T11:00"),
        dict(SESSIONS[1], start="+1T10:00", end="+1T12:30"),
    ]
    bundle = load_event_dir(
        write_generic(tmp_path / "ev", sessions=sessions), anchor=date(2030, 7, 1)
    )
    assert bundle.sessions[0].start_at == datetime(2030, 7, 1, 8, 0, tzinfo=UTC)  # CEST
    assert bundle.sessions[1].start_at == datetime(2030, 7, 2, 8, 0, tzinfo=UTC)
    assert bundle.sessions[1].end_at == datetime(2030, 7, 2, 10, 30, tzinfo=UTC)


def test_milano_cortina_layout_merges_repeated_rows(tmp_path: Path) -> None:
    bundle = load_event_dir(write_mc(tmp_path / "mc", repeat=3))
    assert bundle.competition_id == "milano-cortina-2026"
    assert bundle.timezone == "Europe/Rome"
    assert len(bundle.sessions) == len(MC_SESSIONS)
    assert any("merged 8 repeated schedule rows" in note for note in bundle.notes)
    by_code = {s.code: s for s in bundle.sessions}
    assert by_code["SSKW3000--FNL"].start_at == datetime(2026, 2, 7, 9, 0, tzinfo=UTC)
    assert by_code["CURWTEAM4--BRNZ"].status is SessionStatus.CANCELLED
    assert by_code["CURWTEAM4--BRNZ"].end_at is None
    assert by_code["CURWTEAM4--BRNZ"].medal is True
    venues = {v.code: v for v in bundle.venues}
    assert venues["MSK"].lat is not None and 45 < venues["MSK"].lat < 46
    assert venues["MTP"].lat is None
    athletes = {a.code: a for a in bundle.athletes}
    assert athletes["1001"].entries[1] == EventKey("Figure Skating", "Women Single Skating")
    assert athletes["1003"].entries == ()  # a discipline without an event joins nothing


def _bad(rows: list[dict[str, Any]], index: int, **changes: str) -> list[dict[str, Any]]:
    out = [dict(r) for r in rows]
    out[index].update(changes)
    return out


@pytest.mark.parametrize(
    ("layout", "kwargs", "where", "words"),
    [
        pytest.param("generic", {"sessions": _bad(SESSIONS, 2, start="10/02/2030 16:00")},
                     "sessions.csv:4:start", ["sessions.csv row 4", "'start'", "ISO-8601"],
                     id="generic-bad-date"),
        pytest.param("generic", {"sessions": _bad(SESSIONS, 1, venue="NOPE")},
                     "sessions.csv:3:venue", ["row 3", "unknown venue 'NOPE'"],
                     id="generic-unknown-venue"),
        pytest.param("generic", {"sessions": [{k: v for k, v in s.items() if k != "discipline"}
                                              for s in SESSIONS]},
                     "sessions.csv:1:discipline", ["missing column 'discipline'"],
                     id="generic-missing-column"),
        pytest.param("generic", {"sessions": _bad(SESSIONS, 0, end="2030-02-10T08:00:00+01:00")},
                     "sessions.csv:2:end", ["before it starts"], id="generic-end-before-start"),
        pytest.param("generic", {"entries": _bad(ENTRIES, 0, athlete="ZZ")},
                     "entries.csv:2:athlete", ["unknown athlete 'ZZ'"],
                     id="generic-unknown-athlete"),
        pytest.param("generic", {"venues": _bad(VENUES, 0, lat="north")},
                     "venues.csv:2:lat", ["not a number"], id="generic-bad-lat"),
        pytest.param("generic", {"sessions": _bad(SESSIONS, 3, status="delayed")},
                     "sessions.csv:5:status", ["unknown status 'delayed'"],
                     id="generic-bad-status"),
        pytest.param("generic", {"sessions": [*SESSIONS, dict(SESSIONS[0], phase="Other")]},
                     "sessions.csv:6", ["also in row 2"], id="generic-conflicting-duplicate"),
        pytest.param("mc", {"sessions": _bad(MC_SESSIONS, 1, start_date="2026-02-30T10:00")},
                     "schedules.csv:5:start_date", ["schedules.csv row 5", "ISO-8601"],
                     id="mc-bad-date"),
        pytest.param("mc", {"sessions": _bad(MC_SESSIONS, 0, venue_code="XYZ")},
                     "schedules.csv:2:venue_code", ["unknown venue 'XYZ'", "venues.csv"],
                     id="mc-unknown-venue"),
        pytest.param("mc", {"schedule_columns": [c for c in MC_SCHEDULE_COLUMNS
                                                 if c != "end_date"]},
                     "schedules.csv:1:end_date", ["missing column 'end_date'"],
                     id="mc-missing-column"),
        pytest.param("mc", {"athletes": _bad(MC_ATHLETES, 1, events="[{'discipline': 'Curling'")},
                     "athletes.csv:3:events", ["athletes.csv row 3", "not a list"],
                     id="mc-bad-entries"),
        pytest.param("mc", {"athletes": _bad(MC_ATHLETES, 0, country_code="")},
                     "athletes.csv:2:country_code", ["is empty"], id="mc-empty-field"),
    ],
)  # fmt: skip
def test_bad_files_name_file_row_and_field(
    tmp_path: Path, layout: str, kwargs: dict[str, Any], where: str, words: list[str]
) -> None:
    writer = write_generic if layout == "generic" else write_mc
    folder = writer(tmp_path / "ev", **kwargs)
    with pytest.raises(ValidationFailed) as caught:
        load_event_dir(folder)
    assert caught.value.where == where
    for word in words:
        assert word in str(caught.value)
    assert caught.value.hint


@pytest.mark.parametrize(
    ("manifest", "where"),
    [
        pytest.param({"id": "Bad Id!", "timezone": "Europe/Rome"}, "event.json:id", id="bad-id"),
        pytest.param({"id": "ok", "timezone": "Mars/Olympus"}, "event.json:timezone", id="bad-tz"),
    ],
)
def test_bad_manifest(tmp_path: Path, manifest: dict[str, Any], where: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        load_event_dir(write_generic(tmp_path / "ev", manifest=manifest))
    assert caught.value.where == where


def test_broken_json_and_missing_tables(tmp_path: Path) -> None:
    folder = write_generic(tmp_path / "ev")
    (folder / "event.json").write_text("{ not json", encoding="utf-8")
    with pytest.raises(ValidationFailed, match="not valid JSON"):
        load_event_dir(folder)
    folder = write_generic(tmp_path / "ev2")
    (folder / "athletes.csv").unlink()
    with pytest.raises(ValidationFailed, match=r"athletes\.csv is missing"):
        load_event_dir(folder)
    inline = write_generic(tmp_path / "ev3", inline=True)
    data = json.loads((inline / "event.json").read_text(encoding="utf-8"))
    del data["sessions"][1]["venue"]
    (inline / "event.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        load_event_dir(inline)
    assert caught.value.where == "event.json:sessions[1]:venue"


def test_not_an_event_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a directory"):
        load_event_dir(tmp_path / "missing")
    with pytest.raises(InputError, match="neither"):
        load_event_dir(tmp_path)


def test_ragged_csv_row(tmp_path: Path) -> None:
    folder = write_generic(tmp_path / "ev", athletes=ATHLETES)
    with (folder / "athletes.csv").open("a", encoding="utf-8") as handle:
        handle.write("A9,Extra,FRA,W,surplus\n")
    with pytest.raises(ValidationFailed) as caught:
        load_event_dir(folder)
    assert caught.value.where == "athletes.csv:5"
    write_csv(folder / "athletes.csv", ATHLETES)  # the writer itself is well-formed
    assert len(load_event_dir(folder).athletes) == len(ATHLETES)
