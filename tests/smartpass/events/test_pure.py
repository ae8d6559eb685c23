"""Pure logic: name folding, travel estimates, agenda reachability and changes, iCalendar."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from hostcity.smartpass.events.agenda import (
    AgendaSession,
    AgendaVenue,
    SeenState,
    build_agenda,
    item_to_dict,
)
from hostcity.smartpass.events.folding import fold, fold_tokens
from hostcity.smartpass.events.ical import agenda_to_ics
from hostcity.smartpass.events.travel import TravelModel, distance_m, travel_time_s
from hostcity.smartpass.events.types import SessionStatus

ARENA = AgendaVenue(1, "ARN", "Arena", "Europe/Berlin", 52.4328, 13.5183)
OVAL = AgendaVenue(2, "OVL", "Oval", "Europe/Berlin", 52.4264, 13.5294)
FAR = AgendaVenue(3, "FAR", "Far Hall", "Europe/Berlin", 52.5200, 13.4050)
NOWHERE = AgendaVenue(4, "MTP", "Multiple Venues", "Europe/Rome", None, None)
T0 = datetime(2030, 2, 10, 9, 0, tzinfo=UTC)


def make(
    sid: int,
    venue: AgendaVenue,
    start_min: int,
    length_min: int | None = 60,
    status: SessionStatus = SessionStatus.SCHEDULED,
) -> AgendaSession:
    start = T0 + timedelta(minutes=start_min)
    end = None if length_min is None else start + timedelta(minutes=length_min)
    return AgendaSession(
        sid, "test", f"S{sid}", "Speed Skating", "Women's 1500m", "Heats", venue, start, end,
        status, False, 0, ("Élodie Lefèvre",),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        pytest.param("Søren ØDEGÅRD", "soren odegard", id="nordic"),
        pytest.param("  Zoë   Müller ", "zoe muller", id="umlaut-spaces"),
        pytest.param("Łukasz Wójcik", "lukasz wojcik", id="polish"),
        pytest.param("STRASSE Straße", "strasse strasse", id="sharp-s"),
        pytest.param("Jiří Dvořák", "jiri dvorak", id="czech"),
    ],
)
def test_fold_removes_accents_and_case(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_fold_tokens_split_hyphens_and_apostrophes() -> None:
    assert fold_tokens("Blanc-Pérez D'Alessandro") == ["blanc", "perez", "d", "alessandro"]


def test_distance_matches_a_known_pair() -> None:
    # Brandenburg Gate to the Berlin TV tower: about 2.1 km.
    assert distance_m(52.5163, 13.3777, 52.5208, 13.4094) == pytest.approx(2190, rel=0.03)


@pytest.mark.parametrize(
    ("straight_m", "low_s", "high_s"),
    [
        pytest.param(0, 0, 0, id="same-venue"),
        pytest.param(500, 900 + 500, 900 + 560, id="walk"),
        pytest.param(10_000, 900 + 600 + 1600, 900 + 600 + 1800, id="transit"),
    ],
)
def test_travel_time_walks_short_and_rides_long(
    straight_m: float, low_s: float, high_s: float
) -> None:
    assert low_s <= travel_time_s(straight_m, TravelModel()) <= high_s


def test_agenda_orders_and_flags_unreachable_sessions() -> None:
    sessions = [
        make(3, FAR, 150),  # 12 km away, 30 min after the previous ends: too tight
        make(1, OVAL, 0),
        make(2, OVAL, 60),  # same venue, back to back: fine
        make(4, ARENA, 500),  # 12 km back, but hours later
    ]
    items = build_agenda(sessions, {}, TravelModel())
    assert [i.session.id for i in items] == [1, 2, 3, 4]
    assert items[0].reach is None
    assert items[1].reach is not None and items[1].reach.reachable is True
    assert items[1].reach.travel_s == 0
    assert items[2].reach is not None and items[2].reach.reachable is False
    assert items[2].reach.slack_s is not None and items[2].reach.slack_s < 0
    assert items[3].reach is not None and items[3].reach.reachable is True


def test_overlapping_sessions_are_unreachable_even_without_coordinates() -> None:
    items = build_agenda([make(1, OVAL, 0, 120), make(2, NOWHERE, 60)], {}, TravelModel())
    assert items[1].reach is not None
    assert items[1].reach.reachable is False
    later = build_agenda([make(1, OVAL, 0), make(2, NOWHERE, 300)], {}, TravelModel())
    assert later[1].reach is not None and later[1].reach.reachable is None


def test_cancelled_sessions_are_listed_but_skipped_for_reachability() -> None:
    sessions = [
        make(1, OVAL, 0),
        make(2, FAR, 70, status=SessionStatus.CANCELLED),
        make(3, OVAL, 75),
    ]
    items = build_agenda(sessions, {}, TravelModel())
    assert items[1].reach is None
    assert items[2].reach is not None
    assert items[2].reach.previous_session_id == 1
    assert items[2].reach.reachable is True


def test_missing_end_uses_a_typical_length() -> None:
    items = build_agenda([make(1, OVAL, 0, None), make(2, OVAL, 90)], {}, TravelModel())
    assert items[1].reach is not None and items[1].reach.reachable is False


@pytest.mark.parametrize(
    ("seen", "kinds"),
    [
        pytest.param(SeenState(T0, T0 + timedelta(hours=1), 2, "Oval", SessionStatus.SCHEDULED),
                     [], id="unchanged"),
        pytest.param(SeenState(T0 - timedelta(hours=1), T0, 2, "Oval", SessionStatus.SCHEDULED),
                     ["moved"], id="moved"),
        pytest.param(SeenState(T0, T0 + timedelta(hours=1), 1, "Arena", SessionStatus.SCHEDULED),
                     ["venue"], id="venue"),
        pytest.param(SeenState(T0, T0 + timedelta(hours=1), 2, "Oval", SessionStatus.CANCELLED),
                     ["reinstated"], id="reinstated"),
    ],
)  # fmt: skip
def test_changes_since_seen(seen: SeenState, kinds: list[str]) -> None:
    items = build_agenda([make(1, OVAL, 0)], {1: seen}, TravelModel())
    assert [c.kind for c in items[0].changes] == kinds


def test_item_dict_shows_venue_local_time_and_trip_placeholder() -> None:
    items = build_agenda([make(1, OVAL, 0), make(2, ARENA, 120)], {}, TravelModel())
    first, second = (item_to_dict(i) for i in items)
    assert first["start"] == "2030-02-10T09:00:00+00:00"
    assert first["start_local"] == "2030-02-10T10:00:00+01:00"
    assert first["previous_place"] is None
    assert second["previous_place"]["name"] == "Oval"
    assert second["previous_place"]["lat"] == OVAL.lat
    assert second["venue"]["lon"] == ARENA.lon
    assert second["trip"] is None


def test_ics_has_stable_uids_utc_times_and_cancelled_status() -> None:
    sessions = [make(1, OVAL, 0), make(2, ARENA, 120, status=SessionStatus.CANCELLED)]
    items = build_agenda(sessions, {}, TravelModel())
    now = datetime(2030, 1, 1, tzinfo=UTC)
    data = agenda_to_ics(items, now=now, name="Test")
    assert b"\r\n" in data
    assert b"DTSTART:20300210T090000Z" in data
    events = Calendar.from_ical(data).walk("VEVENT")
    assert [str(e["UID"]) for e in events] == ["test.S1@hostcity", "test.S2@hostcity"]
    assert [str(e["STATUS"]) for e in events] == ["CONFIRMED", "CANCELLED"]
    again = agenda_to_ics(items, now=now + timedelta(days=1), name="Test")
    assert [str(e["UID"]) for e in Calendar.from_ical(again).walk("VEVENT")] == [
        "test.S1@hostcity",
        "test.S2@hostcity",
    ]
