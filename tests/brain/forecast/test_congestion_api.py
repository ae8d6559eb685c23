"""GET /api/brain/forecasts/congestion: where congestion is expected, placed on the twin's map."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from hostcity.brain.forecast.service import ForecastService
from hostcity.brain.forecast.setup import SERVICE
from hostcity.core.platform import Platform
from tests.brain.forecast.conftest import make_only_possible
from tests.conftest import auth

URL = "/api/brain/forecasts/congestion"


@pytest.fixture
def trained(platform: Platform, rush_hour_model: Path) -> ForecastService:
    """The forecast service with the rush-hour model, detectors 0-4 on the twin's map."""
    service: ForecastService = platform.service(SERVICE)
    return service


def _first_congested_minutes(service: ForecastService, detector: str) -> int | None:
    """Independently: the first forecast step slower than the threshold with busy flow."""
    bundle = service.bundle()
    col = bundle.sensor_ids.index(detector)
    slow, busy = bundle.congestion_speed[col], 0.5 * bundle.congestion_flow[col]
    steps = service.forecast(detector)["forecast"]
    found = [s["minutes_ahead"] for s in steps if s["speed"] < slow and s["flow"] >= busy]
    return found[0] if found else None


def test_every_detector_with_congestion_is_listed_soonest_first_and_placed(
    client: TestClient, tokens: dict[str, str], trained: ForecastService
) -> None:
    response = client.get(URL, headers=auth(tokens["fan"]))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["detectors"] == 6
    assert body["on_map"] == 5
    assert body["horizon_min"] == 60
    assert body["model"]["name"] == trained.bundle().chosen
    expected = {d: _first_congested_minutes(trained, d) for d in trained.bundle().sensor_ids}
    listed = {c["detector"]: c for c in body["congestion"]}
    assert {d: m for d, m in expected.items() if m is not None} == {
        d: c["minutes_ahead"] for d, c in listed.items()
    }
    assert set(listed) == {"0", "1", "2", "3", "4", "5"}  # the rush hour goes on past 17:00
    order = [(c["minutes_ahead"], c["detector"]) for c in body["congestion"]]
    assert order == sorted(order)
    for name, c in listed.items():
        assert c["severity"] in {"heavy", "severe"}
        assert (c["feature"], c["unit"]) == ("speed", "km/h")
        assert c["expected"] < c["threshold"]
        if name == "5":  # not on the twin's map
            assert (c["x"], c["y"], c["edge"]) == (None, None, None)
        else:
            assert (c["x"], c["y"], c["edge"]) == (100.0 * int(name), 70.0, f"e{name}")


def test_one_detector(client: TestClient, tokens: dict[str, str], trained: ForecastService) -> None:
    minutes = {d: _first_congested_minutes(trained, d) for d in trained.bundle().sensor_ids}
    for detector, expected in minutes.items():
        response = client.get(URL, params={"detector": detector}, headers=auth(tokens["fan"]))
        assert response.status_code == 200, response.text
        found = response.json()["congestion"]
        assert [c["minutes_ahead"] for c in found] == ([] if expected is None else [expected])
        assert all(c["detector"] == detector for c in found)


@pytest.mark.usefixtures("trained")
def test_unknown_detector_is_404_naming_known_ones(
    client: TestClient, tokens: dict[str, str]
) -> None:
    response = client.get(URL, params={"detector": "nope"}, headers=auth(tokens["fan"]))
    assert response.status_code == 404
    body = response.json()
    assert body["error"] == "forecast_unknown_detector"
    assert "'nope'" in body["message"]
    assert "0, 1, 2" in body["hint"]


def test_without_a_model_is_404_saying_how_to_train(
    client: TestClient, tokens: dict[str, str]
) -> None:
    response = client.get(URL, headers=auth(tokens["fan"]))
    assert response.status_code == 404
    assert "hostcity brain forecast train" in response.json()["hint"]


def test_needs_a_login(client: TestClient) -> None:
    assert client.get(URL).status_code == 401


def test_congestion_only_the_band_reaches_is_listed_as_possible(
    client: TestClient, tokens: dict[str, str], trained: ForecastService
) -> None:
    first = make_only_possible(trained, "3")
    response = client.get(URL, headers=auth(tokens["fan"]))
    listed = {c["detector"]: c for c in response.json()["congestion"]}
    assert listed["3"]["likelihood"] == "possible"
    assert listed["3"]["minutes_ahead"] == first
    assert all(c["likelihood"] == "expected" for d, c in listed.items() if d != "3")
    assert response.json()["congestion"][-1]["detector"] == "3"  # expected ones come first
    one = client.get("/api/brain/forecasts", params={"detector": "3"}, headers=auth(tokens["fan"]))
    assert (one.json()["congestion_in_min"], one.json()["congestion_possible_in_min"]) == (
        None,
        first,
    )
    overview = client.get("/api/brain/forecasts", headers=auth(tokens["fan"])).json()
    assert {"detector": "3", "congestion_in_min": first, "likelihood": "possible"} in overview[
        "congestion"
    ]
