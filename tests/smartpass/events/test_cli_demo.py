"""The CLI commands and the shipped demo event."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from hostcity.cli.main import main
from hostcity.core.db import session_scope
from hostcity.core.platform import Platform
from hostcity.core.settings import Settings
from hostcity.smartpass.events.demo import DEMO_DIR, DEMO_ID, seed_demo_event
from hostcity.smartpass.events.formats import load_event_dir
from hostcity.smartpass.events.service import search_athletes
from tests.smartpass.events.builders import SESSIONS, write_generic, write_mc


def run(settings: Settings, *args: str) -> int:
    return main(["--data-dir", str(settings.data_dir), *args])


def test_import_event_json_prints_one_object(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write_mc(tmp_path / "mc")
    assert run(settings, "pass", "import-event", str(folder), "--json") == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    data = json.loads(out[0])
    assert data["competition"] == "milano-cortina-2026"
    assert (data["sessions"], data["sessions_added"], data["athletes"]) == (4, 4, 3)
    assert run(settings, "pass", "import-event", str(folder), "--json") == 0
    again = json.loads(capsys.readouterr().out)
    assert again["sessions_added"] == 0


def test_import_event_text_and_search(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(settings, "pass", "import-event", str(write_generic(tmp_path / "ev"))) == 0
    assert "imported test-games: 4 sessions, 3 athletes" in capsys.readouterr().out
    assert run(settings, "pass", "athletes", "SOREN", "--json") == 0
    found = json.loads(capsys.readouterr().out)["athletes"]
    assert [a["name"] for a in found] == ["Søren Ødegård"]
    assert run(settings, "pass", "athletes") == 1
    assert "search needs a name" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--anchor", "tomorrow"], "is not a date", id="bad-anchor"),
        pytest.param([], "sessions.csv row 3, field 'start'", id="bad-row"),
    ],
)
def test_import_event_errors(
    settings: Settings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    folder = write_generic(tmp_path / "ev", sessions=[SESSIONS[0], dict(SESSIONS[1], start="soon")])
    assert run(settings, "pass", "import-event", str(folder), *args) == 1
    assert message in capsys.readouterr().err


def test_demo_event_is_seeded_once(platform: Platform) -> None:
    first = seed_demo_event(platform)
    assert "loaded the demo Winter Games" in first[0]
    assert "already loaded" in seed_demo_event(platform)[0]
    with session_scope(platform.session_factory) as session:
        found = search_athletes(session, query="odegard", competition=DEMO_ID)
    assert [a["name"] for a in found] == ["Søren Ødegård"]


def test_demo_sessions_start_on_the_seed_day_over_a_few_days() -> None:
    anchor = date(2031, 3, 1)
    bundle = load_event_dir(DEMO_DIR, anchor=anchor)
    tz = ZoneInfo(bundle.timezone)
    days = {s.start_at.astimezone(tz).date() for s in bundle.sessions}
    assert min(days) == anchor
    assert 2 <= (max(days) - min(days)).days <= 6
    assert all(s.end_at and s.end_at > s.start_at for s in bundle.sessions)
    scheduled = {s.key for s in bundle.sessions}
    assert all(e in scheduled for a in bundle.athletes for e in a.entries)
    today = load_event_dir(DEMO_DIR)
    assert min(s.start_at for s in today.sessions) > datetime.now(UTC) - timedelta(days=1)


def test_demo_venues_lie_in_the_demo_city() -> None:
    # The demo city is the eclipse-sumo wheel's DRT game network; read its geographic bounds.
    import sumo

    net = Path(sumo.__file__).parent / "tools" / "game" / "DRT" / "osm.net.xml"
    with net.open(encoding="utf-8") as handle:
        head = "".join(next(handle) for _ in range(200))
    match = re.search(r'origBoundary="([-\d.]+),([-\d.]+),([-\d.]+),([-\d.]+)"', head)
    assert match is not None
    west, south, east, north = (float(g) for g in match.groups())
    bundle = load_event_dir(DEMO_DIR)
    assert len(bundle.venues) >= 3
    for venue in bundle.venues:
        assert venue.lat is not None and venue.lon is not None
        assert south <= venue.lat <= north and west <= venue.lon <= east, venue
