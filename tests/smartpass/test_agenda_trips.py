"""The agenda suggests a trip from the previous session's venue to the next one."""

from __future__ import annotations

from fastapi.testclient import TestClient

from hostcity.core.platform import Platform
from tests.conftest import auth


def test_agenda_items_link_a_suggested_trip(
    client: TestClient, platform: Platform, tokens: dict[str, str]
) -> None:
    wanted = ("hostcity.smartpass.events", "hostcity.smartpass.transit")
    lines = [
        line
        for seeder in platform.demo_seeders
        if seeder.__module__.startswith(wanted)
        for line in seeder(platform)
    ]
    assert any("Shuttles" in line for line in lines)
    headers = auth(tokens["fan"])
    athletes = client.get("/api/pass/athletes?q=lefevre", headers=headers).json()
    athlete_id = (athletes["items"] if isinstance(athletes, dict) else athletes)[0]["id"]
    made = client.post(
        "/api/pass/follows", json={"kind": "athlete", "target": str(athlete_id)}, headers=headers
    )
    assert made.status_code in (200, 201)
    items = client.get("/api/pass/agenda", headers=headers).json()["items"]
    assert len(items) >= 2
    assert items[0]["trip"] is None  # nothing is known before the first session
    later = [i["trip"] for i in items[1:]]
    assert all(t and t["link"].startswith("#/pass/trips/") for t in later)
    planned = [t for t in later if "error" not in t]
    assert planned, later
    for trip in planned:
        assert trip["arrive"] >= trip["depart"]
        assert trip["modes"]
