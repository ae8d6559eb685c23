"""The API: search, follows, the agenda with reachability and changes, .ics, roles and 404s."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar

from hostcity.core.platform import Platform
from hostcity.smartpass.events.service import import_dir
from tests.conftest import auth
from tests.smartpass.events.builders import SESSIONS, write_generic

BASE = "/api/pass"


@pytest.fixture
def imported(platform: Platform, tmp_path: Path) -> Path:
    """The generated test event, imported; returns its folder."""
    folder = write_generic(tmp_path / "ev")
    import_dir(platform.session_factory, folder)
    return folder


def athlete_id(client: TestClient, token: str, query: str) -> int:
    found = client.get(f"{BASE}/athletes", params={"q": query}, headers=auth(token)).json()
    assert len(found) == 1, found
    return int(found[0]["id"])


@pytest.mark.parametrize(
    ("params", "names"),
    [
        pytest.param({"q": "elodie lefevre"}, ["Élodie Lefèvre"], id="no-accents"),
        pytest.param({"q": "LEFÈVRE"}, ["Élodie Lefèvre"], id="upper-accents"),
        pytest.param({"q": "odegard soren"}, ["Søren Ødegård"], id="word-order-and-o-slash"),
        pytest.param({"q": "muller"}, ["Zoë MÜLLER"], id="umlaut"),
        pytest.param({"noc": "nor"}, ["Søren Ødegård"], id="country"),
        pytest.param({"discipline": "figure skating"}, ["Élodie Lefèvre", "Zoë MÜLLER"],
                     id="discipline"),
        pytest.param({"q": "zz"}, [], id="nothing"),
    ],
)  # fmt: skip
def test_search_athletes(
    client: TestClient,
    tokens: dict[str, str],
    imported: Path,
    params: dict[str, str],
    names: list[str],
) -> None:
    response = client.get(f"{BASE}/athletes", params=params, headers=auth(tokens["fan"]))
    assert response.status_code == 200
    assert [a["name"] for a in response.json()] == names


def test_search_needs_a_criterion(
    client: TestClient, tokens: dict[str, str], imported: Path
) -> None:
    response = client.get(f"{BASE}/athletes", headers=auth(tokens["fan"]))
    assert response.status_code == 422
    assert "search needs" in response.json()["message"]


@pytest.mark.parametrize(
    ("path", "word"),
    [
        pytest.param("/athletes/99999", "athlete", id="athlete"),
        pytest.param("/venues/99999", "venue", id="venue"),
        pytest.param("/sessions/99999", "session", id="session"),
    ],
)
def test_unknown_ids_are_404(
    client: TestClient, tokens: dict[str, str], imported: Path, path: str, word: str
) -> None:
    response = client.get(BASE + path, headers=auth(tokens["fan"]))
    assert response.status_code == 404
    assert response.json()["message"] == f"no {word} with id 99999"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        pytest.param({"kind": "athlete", "target": 99999}, 404, id="unknown-athlete"),
        pytest.param({"kind": "event", "target": "99999"}, 404, id="unknown-event"),
        pytest.param({"kind": "noc", "target": "XYZ"}, 404, id="unknown-noc"),
        pytest.param({"kind": "noc", "target": "12"}, 422, id="bad-noc"),
        pytest.param({"kind": "athlete", "target": "abc"}, 422, id="bad-id"),
        pytest.param({"kind": "coach", "target": "1"}, 422, id="bad-kind"),
    ],
)
def test_bad_follows(
    client: TestClient, tokens: dict[str, str], imported: Path, body: dict[str, Any], status: int
) -> None:
    response = client.post(f"{BASE}/follows", json=body, headers=auth(tokens["fan"]))
    assert response.status_code == status, response.json()


@pytest.mark.parametrize(
    ("method", "path", "role", "status"),
    [
        pytest.param("get", "/agenda", None, 401, id="agenda-anonymous"),
        pytest.param("get", "/agenda", "gate", 403, id="agenda-gate"),
        pytest.param("get", "/agenda.ics", "gate", 403, id="ics-gate"),
        pytest.param("post", "/follows", "gate", 403, id="follow-gate"),
        pytest.param("get", "/athletes?q=a", None, 401, id="search-anonymous"),
        pytest.param("get", "/agenda", "operator", 200, id="agenda-operator"),
        pytest.param("get", "/athletes?q=a", "gate", 200, id="search-gate"),
    ],
)
def test_roles(
    client: TestClient,
    tokens: dict[str, str],
    imported: Path,
    *,
    method: str,
    path: str,
    role: str | None,
    status: int,
) -> None:
    headers = auth(tokens[role]) if role else {}
    kwargs: dict[str, Any] = {"json": {"kind": "noc", "target": "FRA"}} if method == "post" else {}
    response = getattr(client, method)(BASE + path, headers=headers, **kwargs)
    assert response.status_code == status


def test_follow_agenda_and_unfollow(
    client: TestClient, tokens: dict[str, str], imported: Path
) -> None:
    fan = auth(tokens["fan"])
    elodie = athlete_id(client, tokens["fan"], "elodie")
    made = client.post(f"{BASE}/follows", json={"kind": "athlete", "target": elodie}, headers=fan)
    assert made.status_code == 201
    assert made.json()["label"] == "Élodie Lefèvre (FRA)"
    again = client.post(
        f"{BASE}/follows", json={"kind": "athlete", "target": str(elodie)}, headers=fan
    )
    assert again.status_code == 201
    assert len(client.get(f"{BASE}/follows", headers=fan).json()) == 1
    agenda = client.get(f"{BASE}/agenda", headers=fan).json()
    items = agenda["items"]
    assert [i["code"] for i in items] == ["SSK-1", "FSK-1", "SSK-2"]
    assert items[0]["start_local"] == "2030-02-10T10:00:00+01:00"
    assert items[0]["start"] == "2030-02-10T09:00:00+00:00"
    # Oval ends 11:00, Arena (1.3 km away) starts 11:10: cannot make it.
    assert items[1]["reachable"] is False
    assert items[1]["previous_place"]["code"] == "OVL"
    # No feed is imported here: the suggested trip says so and still links the planner.
    assert items[1]["trip"]["error"] == "no GTFS feed is imported"
    assert items[1]["trip"]["link"].startswith("#/pass/trips/")
    assert items[0]["trip"] is None
    assert items[2]["reachable"] is True
    assert agenda["unreachable"] == 1
    assert items[0]["reasons"] == ["Élodie Lefèvre"]
    session = client.get(f"{BASE}/sessions/{items[0]['session_id']}", headers=fan).json()
    assert session["venue"]["code"] == "OVL"
    venue = client.get(f"{BASE}/venues/{session['venue']['id']}", headers=fan).json()
    assert venue["timezone"] == "Europe/Berlin"
    gone = client.delete(f"{BASE}/follows/athlete/{elodie}", headers=fan)
    assert gone.status_code == 204
    assert client.get(f"{BASE}/agenda", headers=fan).json()["items"] == []
    missing = client.delete(f"{BASE}/follows/athlete/{elodie}", headers=fan)
    assert missing.status_code == 404


def test_follow_team_and_event(client: TestClient, tokens: dict[str, str], imported: Path) -> None:
    fan = auth(tokens["fan"])
    events = client.get(f"{BASE}/events", headers=fan).json()
    curling = next(e for e in events if e["discipline"] == "Curling")
    client.post(f"{BASE}/follows", json={"kind": "event", "target": curling["id"]}, headers=fan)
    client.post(f"{BASE}/follows", json={"kind": "noc", "target": "ger"}, headers=fan)
    items = client.get(f"{BASE}/agenda", headers=fan).json()["items"]
    assert [(i["code"], i["reasons"]) for i in items] == [
        ("FSK-1", ["team GER"]),
        ("CUR-1", ["the whole event"]),
    ]


def test_reimport_keeps_follows_and_shows_changes(
    client: TestClient, tokens: dict[str, str], platform: Platform, tmp_path: Path, imported: Path
) -> None:
    fan = auth(tokens["fan"])
    elodie = athlete_id(client, tokens["fan"], "lefevre")
    client.post(f"{BASE}/follows", json={"kind": "athlete", "target": elodie}, headers=fan)
    before = client.get(f"{BASE}/agenda", headers=fan).json()["items"]
    assert all(not i["changes"] for i in before)
    ics_before = client.get(f"{BASE}/agenda.ics", headers=fan).content
    # The heats move 30 min earlier, the short programme is cancelled, the final is dropped.
    moved = dict(SESSIONS[0], start="2030-02-10T09:30:00+01:00", end="2030-02-10T10:30:00+01:00")
    cancelled = dict(SESSIONS[1], status="cancelled")
    summary, _ = import_dir(
        platform.session_factory,
        write_generic(tmp_path / "ev2", sessions=[moved, cancelled, SESSIONS[3]]),
    )
    assert (summary.sessions_moved, summary.sessions_cancelled, summary.sessions_removed) == (
        1,
        1,
        1,
    )
    assert athlete_id(client, tokens["fan"], "lefevre") == elodie
    agenda = client.get(f"{BASE}/agenda", headers=fan).json()
    items = {i["code"]: i for i in agenda["items"]}
    assert [c["kind"] for c in items["SSK-1"]["changes"]] == ["moved"]
    assert items["SSK-1"]["start_local"] == "2030-02-10T09:30:00+01:00"
    assert items["FSK-1"]["status"] == "cancelled"
    assert [c["kind"] for c in items["FSK-1"]["changes"]] == ["cancelled"]
    assert items["SSK-2"]["status"] == "cancelled"  # dropped from the schedule
    assert items["SSK-2"]["reachable"] is None
    assert agenda["changed"] == 3
    # the .ics keeps UIDs, marks cancellations and bumps SEQUENCE
    uids_before = [str(e["UID"]) for e in Calendar.from_ical(ics_before).walk("VEVENT")]
    response = client.get(f"{BASE}/agenda.ics", headers=fan)
    assert response.headers["content-type"].startswith("text/calendar")
    assert "attachment" in response.headers["content-disposition"]
    events = {str(e["UID"]): e for e in Calendar.from_ical(response.content).walk("VEVENT")}
    assert sorted(events) == sorted(uids_before)
    fsk = events["test-games.FSK-1@hostcity"]
    assert str(fsk["STATUS"]) == "CANCELLED"
    assert int(fsk["SEQUENCE"]) == 1
    assert b"STATUS:CANCELLED" in response.content
    # acknowledging clears the changes
    assert client.post(f"{BASE}/agenda/seen", headers=fan).json() == {"marked": 3}
    assert client.get(f"{BASE}/agenda", headers=fan).json()["changed"] == 0


def test_bad_reimport_changes_nothing(
    client: TestClient, tokens: dict[str, str], platform: Platform, tmp_path: Path, imported: Path
) -> None:
    from hostcity.core.errors import ValidationFailed

    fan = auth(tokens["fan"])
    # a valid first half (moved heats) followed by a bad row: nothing may be applied
    moved = dict(SESSIONS[0], start="2030-02-10T07:00:00+01:00", end="2030-02-10T08:00:00+01:00")
    broken = dict(SESSIONS[1], venue="NOWHERE")
    with pytest.raises(ValidationFailed):
        import_dir(
            platform.session_factory, write_generic(tmp_path / "bad", sessions=[moved, broken])
        )
    elodie = athlete_id(client, tokens["fan"], "lefevre")
    client.post(f"{BASE}/follows", json={"kind": "athlete", "target": elodie}, headers=fan)
    items = client.get(f"{BASE}/agenda", headers=fan).json()["items"]
    assert items[0]["start_local"] == "2030-02-10T10:00:00+01:00"


def test_lists_competitions_venues_and_events(
    client: TestClient, tokens: dict[str, str], imported: Path
) -> None:
    fan = auth(tokens["fan"])
    competitions = client.get(f"{BASE}/competitions", headers=fan).json()
    assert [(c["id"], c["timezone"]) for c in competitions] == [("test-games", "Europe/Berlin")]
    venues = client.get(f"{BASE}/venues", params={"competition": "test-games"}, headers=fan).json()
    assert [v["code"] for v in venues] == ["ARN", "FAR", "OVL"]
    events = client.get(f"{BASE}/events", headers=fan).json()
    assert {(e["discipline"], e["event"]) for e in events} == {
        ("Speed Skating", "Women's 1500m"),
        ("Figure Skating", "Women's Single"),
        ("Curling", "Mixed Doubles"),
    }
