"""Games-sized import and agenda on generated data (never the shared data set)."""

from __future__ import annotations

import random
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from hostcity.core.platform import Platform
from hostcity.smartpass.events.service import import_dir
from tests.conftest import auth
from tests.smartpass.events.builders import MC_VENUES, write_mc

ROME = ZoneInfo("Europe/Rome")


def games(
    seed: int, n_sessions: int, n_athletes: int
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """A Milano Cortina-shaped schedule and athlete list."""
    rng = random.Random(seed)
    events = [
        (d, f"Event {i}") for d in ("Speed Skating", "Figure Skating", "Curling") for i in range(20)
    ]
    venue_of = {
        "Speed Skating": MC_VENUES[1],
        "Figure Skating": MC_VENUES[0],
        "Curling": MC_VENUES[2],
    }
    day0 = datetime(2026, 2, 6, 9, 0, tzinfo=ROME)
    sessions = []
    for i in range(n_sessions):
        discipline, event = rng.choice(events)
        start = day0 + timedelta(days=rng.randrange(16), minutes=15 * rng.randrange(50))
        venue = venue_of[discipline]
        sessions.append({
            "start_date": start.isoformat(), "end_date": (start + timedelta(hours=2)).isoformat(),
            "status": "SCHEDULED", "discipline": discipline, "event": event, "event_medal": "0",
            "phase": f"{event} round {i}", "venue": venue["venue"],
            "venue_code": venue["venue_code"], "id": f"S{i:05d}",
        })  # fmt: skip
    nocs = ["ITA", "NOR", "GER", "USA", "CAN", "SUI", "AUT", "FRA"]
    athletes = []
    for i in range(n_athletes):
        picks = rng.sample(events, 2)
        entries = ", ".join(f"{{'discipline': '{d}', 'event': '{e}'}}" for d, e in picks)
        athletes.append({
            "code": str(10_000 + i), "name": f"ÅTHLETE{i} Zoë", "gender": "F",
            "country_code": rng.choice(nocs), "flag_bearer": "0", "events": f"[{entries}]",
        })  # fmt: skip
    return sessions, athletes


@pytest.mark.slow
def test_games_sized_import_and_team_agenda(
    client: TestClient, tokens: dict[str, str], platform: Platform, tmp_path: Path
) -> None:
    sessions, athletes = games(7, 650, 3000)
    folder = write_mc(tmp_path / "games", sessions=sessions, athletes=athletes, repeat=3)
    started = time.perf_counter()
    summary, _ = import_dir(platform.session_factory, folder)
    first_s = time.perf_counter() - started
    assert (summary.sessions, summary.athletes) == (650, 3000)
    fan = auth(tokens["fan"])
    assert (
        client.post(
            "/api/pass/follows", json={"kind": "noc", "target": "ITA"}, headers=fan
        ).status_code
        == 201
    )
    started = time.perf_counter()
    agenda = client.get("/api/pass/agenda", headers=fan).json()
    agenda_s = time.perf_counter() - started
    assert len(agenda["items"]) == 650  # every event has an Italian entry
    assert agenda["unreachable"] > 0  # sessions of one fan overlap across venues
    moved = [dict(s, start_date=s["start_date"].replace("T09:00", "T08:00")) for s in sessions]
    started = time.perf_counter()
    summary, _ = import_dir(
        platform.session_factory, write_mc(tmp_path / "g2", sessions=moved, athletes=athletes)
    )
    again_s = time.perf_counter() - started
    assert summary.sessions_added == 0
    after = client.get("/api/pass/agenda", headers=fan).json()
    assert after["changed"] == summary.sessions_moved > 0
    assert first_s < 30 and again_s < 30 and agenda_s < 10, (first_s, again_s, agenda_s)
