"""The agenda suggests a trip from the previous session's venue to the next one."""

from __future__ import annotations

from fastapi.testclient import TestClient

from hostcity.core.db import session_scope
from hostcity.core.platform import Platform
from hostcity.smartpass.agenda_trips import same_local_day, suggest_trip
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
    # Big Air qualification, the 1500 m across town the same day, the Big Air final next day
    assert [i["day_local"] for i in items] == [items[0]["day_local"]] * 2 + [items[2]["day_local"]]
    assert items[0]["trip"] is None  # nothing is known before the first session
    trip = items[1]["trip"]
    assert trip and trip["link"].startswith("#/pass/trips/")
    assert "error" not in trip, trip
    assert trip["arrive"] >= trip["depart"]
    assert trip["modes"]
    assert items[2]["trip"] is None  # the first session of a day: not from yesterday's venue
    # a caller that only lists the sessions (the home page) asks for no trips at all
    listed = client.get("/api/pass/agenda?trips=false", headers=headers).json()["items"]
    assert [i["session_id"] for i in listed] == [i["session_id"] for i in items]
    assert all(i["trip"] is None for i in listed)


def _item(previous_venue: int, left_at: str, venue: int, start_local: str) -> dict[str, object]:
    place = {"lat": 52.43, "lon": 13.52}
    return {
        "previous_place": {"id": previous_venue, "left_at": left_at, **place},
        "venue": {"id": venue, **place},
        "start_local": start_local,
    }


def test_no_trip_is_suggested_within_a_venue_or_from_the_day_before(platform: Platform) -> None:
    transit = platform.service("transit")
    with session_scope(platform.session_factory) as session:
        same_venue = _item(1, "2026-02-10T11:00:00+00:00", 1, "2026-02-10T13:00:00+01:00")
        assert suggest_trip(transit, session, same_venue) is None
        # 23:30 UTC is already the next day in Berlin: a trip the same local day
        overnight = _item(1, "2026-02-09T23:30:00+00:00", 2, "2026-02-10T09:00:00+01:00")
        assert same_local_day("2026-02-09T23:30:00+00:00", "2026-02-10T09:00:00+01:00")
        yesterday = _item(1, "2026-02-09T20:00:00+00:00", 2, "2026-02-10T09:00:00+01:00")
        assert suggest_trip(transit, session, yesterday) is None
        # the same day at another venue: a trip (or why there is none) is suggested
        assert suggest_trip(transit, session, overnight) is not None
