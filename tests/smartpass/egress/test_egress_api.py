"""The way-out API: plans, live crowd counts, roles, and routes that follow the crowd."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import auth


def test_exit_route_for_a_section(client: TestClient, tokens: dict[str, str]) -> None:
    response = client.get("/api/pass/venues/OVL/exit?section=S3", headers=auth(tokens["fan"]))
    assert response.status_code == 200
    body = response.json()
    assert body["path"][0] == "S3"
    assert body["path"][-1] == body["exit"]
    assert len(body["points"]) == len(body["path"])
    assert body["venue_clear_s"] <= body["venue_clear_nearest_s"]


def test_route_changes_when_the_crowd_changes(client: TestClient, tokens: dict[str, str]) -> None:
    empty = {f"S{i}": 0 for i in range(1, 5)}
    put = client.put("/api/pass/venues/OVL/crowd", json=empty, headers=auth(tokens["operator"]))
    assert put.status_code == 200
    alone = client.get("/api/pass/venues/OVL/exit?section=S3", headers=auth(tokens["fan"])).json()
    packed = empty | {"S1": 300, "S2": 300, "S3": 300}
    client.put("/api/pass/venues/OVL/crowd", json=packed, headers=auth(tokens["operator"]))
    crowded = client.get("/api/pass/venues/OVL/exit?section=S3", headers=auth(tokens["fan"])).json()
    assert alone["exit"] == "main-gate"
    assert crowded["exit"] == "east-gate"


def test_crowd_counts_need_an_operator_or_this_venues_gate(
    client: TestClient, tokens: dict[str, str]
) -> None:
    as_fan = client.put("/api/pass/venues/OVL/crowd", json={"S1": 1}, headers=auth(tokens["fan"]))
    assert as_fan.status_code == 403
    # The test gate token is bound to 'venue-1', not OVL.
    as_gate = client.put("/api/pass/venues/OVL/crowd", json={"S1": 1}, headers=auth(tokens["gate"]))
    assert as_gate.status_code == 403


def test_bad_requests_are_explained(client: TestClient, tokens: dict[str, str]) -> None:
    headers = auth(tokens["operator"])
    unknown_venue = client.get("/api/pass/venues/NOPE/exit?section=S1", headers=headers)
    assert unknown_venue.status_code == 404
    assert "OVL" in unknown_venue.json()["hint"]
    unknown_section = client.get("/api/pass/venues/OVL/exit?section=S9", headers=headers)
    assert unknown_section.status_code == 422
    assert "S1" in unknown_section.json()["hint"]
    bad_count = client.put("/api/pass/venues/OVL/crowd", json={"S1": -4}, headers=headers)
    assert bad_count.status_code == 422
    unknown_area = client.put("/api/pass/venues/OVL/crowd", json={"Z": 4}, headers=headers)
    assert unknown_area.status_code == 422
    crowd = client.get("/api/pass/venues/OVL/crowd", headers=headers).json()
    assert crowd["S1"] == 200  # nothing from the rejected batches was stored
