"""The journeys API and the feed registry, on feeds imported into a fresh platform."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from hostcity.core.db import session_scope
from hostcity.core.platform import Platform
from hostcity.smartpass.transit.service import TransitService
from tests.conftest import auth
from tests.smartpass.transit.builders import (
    SLOW_SHAPE,
    corridor_feed,
    corridor_feed_with_shapes,
    feed_zip,
)

ALPHA, DELTA = "52.4301,13.5001", "52.4301,13.5451"


def _import(platform: Platform, zip_path: Path, name: str | None = None) -> dict[str, object]:
    """Import a feed zip into the platform's transit service."""
    service: TransitService = platform.service("transit")
    with session_scope(platform.session_factory) as session:
        return service.import_feed(session, zip_path, name=name)


@pytest.fixture
def corridor(platform: Platform, tmp_path: Path) -> dict[str, object]:
    return _import(platform, feed_zip(tmp_path, corridor_feed(), "corridor"))


def test_import_registers_the_feed_and_keeps_a_copy(
    platform: Platform, corridor: dict[str, object]
) -> None:
    assert corridor["id"] == "corridor"
    assert corridor["first_day"] == "2026-02-01"
    assert corridor["timezone"] == "Europe/Berlin"
    assert (platform.settings.data_dir / "transit" / "feeds" / "corridor.zip").is_file()


def test_journeys_api_returns_pareto_journeys_with_aware_times(
    client: TestClient, tokens: dict[str, str], corridor: dict[str, object]
) -> None:
    response = client.get(
        "/api/pass/journeys",
        params={"from": ALPHA, "to": DELTA, "depart": "2026-02-10T08:50:00+01:00"},
        headers=auth(tokens["fan"]),
    )
    assert response.status_code == 200, response.text
    journeys = response.json()["journeys"]
    assert [j["transfers"] for j in journeys] == [0, 1]
    fastest = journeys[-1]
    assert datetime.fromisoformat(fastest["arrive"]).utcoffset() is not None
    assert fastest["arrive"].startswith("2026-02-10T09:20")
    assert fastest["arrive"].endswith("+01:00")
    modes = [(leg["mode"], leg.get("route")) for leg in fastest["legs"]]
    assert modes == [("walk", None), ("ride", "F1"), ("ride", "F2"), ("walk", None)]
    assert fastest["legs"][1]["from"]["name"] == "Alpha"
    assert fastest["legs"][1]["path"] == [[52.43, 13.5], [52.43, 13.515]]
    assert set(fastest["legs"][0]) >= {"mode", "from", "to", "depart", "arrive"}


def test_journeys_need_a_token(client: TestClient, corridor: dict[str, object]) -> None:
    response = client.get("/api/pass/journeys", params={"from": ALPHA, "to": DELTA})
    assert response.status_code == 401


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            (
                {"from": "48.85,2.35", "to": DELTA, "depart": "2026-02-10T09:00+01:00"},
                422,
                "no imported feed serves",
            ),
            id="outside-area",
        ),
        pytest.param(
            (
                {"from": ALPHA, "to": DELTA, "depart": "2027-02-10T09:00+01:00"},
                422,
                "outside the service dates",
            ),
            id="outside-dates",
        ),
        pytest.param(({"from": "north", "to": DELTA}, 422, "'from'"), id="bad-point"),
        pytest.param(({"from": "95,13.5", "to": DELTA}, 422, "WGS84"), id="latitude-range"),
        pytest.param(
            ({"from": ALPHA, "to": DELTA, "depart": "tomorrow"}, 422, "ISO-8601"), id="bad-time"
        ),
    ],
)
def test_bad_journey_requests_get_clear_messages(
    client: TestClient,
    tokens: dict[str, str],
    corridor: dict[str, object],
    case: tuple[dict[str, str], int, str],
) -> None:
    params, status, words = case
    response = client.get("/api/pass/journeys", params=params, headers=auth(tokens["fan"]))
    assert response.status_code == status
    body = response.json()
    assert words in body["message"]
    assert body.get("hint")


def test_journeys_without_feeds_say_how_to_import(
    client: TestClient, tokens: dict[str, str]
) -> None:
    response = client.get(
        "/api/pass/journeys", params={"from": ALPHA, "to": DELTA}, headers=auth(tokens["fan"])
    )
    assert response.status_code == 404
    assert "import-gtfs" in response.json()["hint"]


def test_upload_imports_for_operators_only(
    client: TestClient, tokens: dict[str, str], tmp_path: Path
) -> None:
    path = feed_zip(tmp_path, corridor_feed(), "uploaded")
    files = {"file": ("uploaded.zip", path.read_bytes(), "application/zip")}
    refused = client.post("/api/pass/feeds", files=files, headers=auth(tokens["fan"]))
    assert refused.status_code == 403
    done = client.post("/api/pass/feeds", files=files, headers=auth(tokens["operator"]))
    assert done.status_code == 201, done.text
    listed = client.get("/api/pass/feeds", headers=auth(tokens["fan"])).json()
    assert [f["id"] for f in listed] == ["uploaded"]
    stops = client.get("/api/pass/feeds/uploaded/stops", headers=auth(tokens["fan"])).json()
    assert {s["name"] for s in stops} == {"Alpha", "Bravo", "Charlie", "Delta"}


def test_upload_of_a_broken_feed_names_the_problem(
    client: TestClient, tokens: dict[str, str], tmp_path: Path
) -> None:
    files_in = corridor_feed()
    files_in["trips.txt"] = files_in["trips.txt"].replace("FAST1,daily", "GONE,daily")
    path = feed_zip(tmp_path, files_in, "broken")
    response = client.post(
        "/api/pass/feeds",
        files={"file": ("broken.zip", path.read_bytes(), "application/zip")},
        headers=auth(tokens["operator"]),
    )
    assert response.status_code == 422
    assert response.json()["where"] == "trips.txt line 3, field route_id"


def test_unknown_feed_stops_are_404(client: TestClient, tokens: dict[str, str]) -> None:
    response = client.get("/api/pass/feeds/nope/stops", headers=auth(tokens["fan"]))
    assert response.status_code == 404


def test_feed_map_draws_each_line_stop_to_stop(
    client: TestClient, tokens: dict[str, str], corridor: dict[str, object]
) -> None:
    response = client.get("/api/pass/feeds/corridor/map", headers=auth(tokens["fan"]))
    assert response.status_code == 200, response.text
    body = response.json()
    patterns = [(line["name"], len(line["stops"]), line["trips"]) for line in body["lines"]]
    # SLOW runs A-B-C-D once and A-D once (the night trip): two patterns of one line
    assert sorted(patterns) == [("F1", 2, 1), ("F2", 2, 2), ("S", 2, 1), ("S", 4, 1)]
    assert body["lines"][0]["name"] == "F2"  # busiest first
    slow = next(line for line in body["lines"] if len(line["stops"]) == 4)
    assert slow["stops"] == [[52.43, 13.5], [52.43, 13.515], [52.43, 13.53], [52.43, 13.545]]
    assert body["streets"] == []  # walked in straight lines
    assert body["truncated"] is False


def test_unknown_feed_map_is_404(client: TestClient, tokens: dict[str, str]) -> None:
    response = client.get("/api/pass/feeds/nope/map", headers=auth(tokens["fan"]))
    assert response.status_code == 404
    assert "GET /api/pass/feeds" in response.json()["hint"]


def test_feeds_with_shapes_draw_lines_and_rides_along_them(
    client: TestClient, tokens: dict[str, str], platform: Platform, tmp_path: Path
) -> None:
    _import(platform, feed_zip(tmp_path, corridor_feed_with_shapes(), "shaped"))
    headers = auth(tokens["fan"])
    lines = client.get("/api/pass/feeds/shaped/map", headers=headers).json()["lines"]
    slow = next(line for line in lines if len(line["stops"]) == 4)
    assert slow["path"] == [list(p) for p in SLOW_SHAPE]
    assert all(line["path"] is None for line in lines if line["name"] != "S")
    # A ride on SLOW from Alpha to Delta follows the road's bends; F1 goes stop to stop.
    response = client.get(
        "/api/pass/journeys",
        params={"from": ALPHA, "to": DELTA, "depart": "2026-02-10T08:50:00+01:00"},
        headers=headers,
    )
    journeys = response.json()["journeys"]
    direct = next(j for j in journeys if j["transfers"] == 0)
    ride = next(leg for leg in direct["legs"] if leg["mode"] == "ride")
    assert ride["route"] == "S"
    assert ride["path"][1:-1] == [list(p) for p in SLOW_SHAPE]
    changing = next(j for j in journeys if j["transfers"] == 1)
    first = next(leg for leg in changing["legs"] if leg["mode"] == "ride")
    assert first["path"] == [[52.43, 13.5], [52.43, 13.515]]


def test_importing_a_feed_again_redraws_its_map(
    client: TestClient,
    tokens: dict[str, str],
    platform: Platform,
    corridor: dict[str, object],
    tmp_path: Path,
) -> None:
    headers = auth(tokens["fan"])
    before = client.get("/api/pass/feeds/corridor/map", headers=headers).json()
    assert all(line["path"] is None for line in before["lines"])
    _import(platform, feed_zip(tmp_path / "again", corridor_feed_with_shapes(), "corridor"))
    after = client.get("/api/pass/feeds/corridor/map", headers=headers).json()
    assert any(line["path"] for line in after["lines"])


def test_a_ride_whose_shape_runs_the_other_way_is_drawn_stop_to_stop(
    client: TestClient, tokens: dict[str, str], platform: Platform, tmp_path: Path
) -> None:
    files = corridor_feed_with_shapes()
    rows = [f"slow-road,{lat},{lon},{i + 1}" for i, (lat, lon) in enumerate(SLOW_SHAPE[::-1])]
    header = "shape_id,shape_pt_lat,shape_pt_lon,shape_pt_sequence"
    files["shapes.txt"] = "\n".join([header, *rows]) + "\n"  # D to A, against the trips
    _import(platform, feed_zip(tmp_path, files, "backwards"))
    response = client.get(
        "/api/pass/journeys",
        params={"from": ALPHA, "to": DELTA, "depart": "2026-02-10T08:50:00+01:00"},
        headers=auth(tokens["fan"]),
    )
    direct = next(j for j in response.json()["journeys"] if j["transfers"] == 0)
    ride = next(leg for leg in direct["legs"] if leg["mode"] == "ride")
    assert ride["path"] == [[52.43, 13.5], [52.43, 13.515], [52.43, 13.53], [52.43, 13.545]]
