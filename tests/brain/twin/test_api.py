"""The twin's HTTP API: ingestion, reading back, roles, live state, controllers, the stream."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from hostcity.brain.twin.service import TwinService
from hostcity.brain.twin.types import (
    CONTROLLER_NAMES,
    EdgeGeometry,
    JunctionGeometry,
    Kpis,
    LiveState,
    NetworkGeometry,
    TwinStatus,
)
from hostcity.core.errors import DependencyError
from hostcity.core.platform import Platform
from hostcity.core.timeutil import utcnow
from tests.brain.twin.entities import entity
from tests.conftest import auth


def _service(platform: Platform) -> TwinService:
    service: TwinService = platform.service("brain.twin")
    return service


def _count(client: TestClient, token: str) -> int:
    response = client.get("/api/brain/observations?limit=1000", headers=auth(token))
    assert response.status_code == 200
    return len(response.json()["observations"])


def test_valid_batch_is_stored_and_read_back(client: TestClient, tokens: dict[str, str]) -> None:
    batch = [entity("loop-1"), entity("loop-2", intensity=30)]
    response = client.post("/api/brain/observations", json=batch, headers=auth(tokens["operator"]))
    assert response.status_code == 201, response.text
    assert response.json() == {"stored": 2, "detectors": ["loop-1", "loop-2"]}
    got = client.get(
        "/api/brain/observations", params={"detector": "loop-2"}, headers=auth(tokens["fan"])
    ).json()["observations"]
    assert len(got) == 1
    assert got[0]["flow_veh_per_h"] == pytest.approx(1800.0)
    assert got[0]["speed_mps"] == pytest.approx(10.0)
    assert got[0]["observed_to"].startswith("2026-02-10T08:01:00")
    detectors = client.get("/api/brain/detectors", headers=auth(tokens["fan"])).json()
    assert [d["id"] for d in detectors["detectors"]] == ["loop-1", "loop-2"]
    assert detectors["detectors"][1]["latest"]["intensity_veh"] == 30


def test_ld_json_content_type_is_accepted(client: TestClient, tokens: dict[str, str]) -> None:
    response = client.post(
        "/api/brain/observations",
        content=json.dumps([entity()]),
        headers={**auth(tokens["operator"]), "Content-Type": "application/ld+json"},
    )
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    ("batch", "where"),
    [
        pytest.param(
            [entity("a"), entity("b"), entity("c", occupancy=7)], "[2].occupancy", id="3rd"
        ),
        pytest.param([entity("a", type="Device")], "[0].type", id="type"),
        pytest.param({"not": "a batch"}, "[0].type", id="object"),
        pytest.param([], "(body)", id="empty"),
    ],
)
def test_invalid_batch_is_rejected_whole_with_entity_and_field(
    client: TestClient, tokens: dict[str, str], batch: Any, where: str
) -> None:
    response = client.post("/api/brain/observations", json=batch, headers=auth(tokens["operator"]))
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "validation_failed"
    assert body["where"] == where
    assert _count(client, tokens["operator"]) == 0


def test_malformed_json_is_422(client: TestClient, tokens: dict[str, str]) -> None:
    response = client.post(
        "/api/brain/observations",
        content="[{",
        headers={**auth(tokens["operator"]), "Content-Type": "application/json"},
    )
    assert response.status_code == 422


@pytest.mark.parametrize(
    ("role", "status"),
    [pytest.param("fan", 403, id="fan"), pytest.param("gate", 403, id="gate"),
     pytest.param(None, 401, id="anonymous")],
)  # fmt: skip
def test_only_operators_post_observations(
    client: TestClient, tokens: dict[str, str], role: str | None, status: int
) -> None:
    headers = auth(tokens[role]) if role else {}
    response = client.post("/api/brain/observations", json=[entity()], headers=headers)
    assert response.status_code == status
    assert _count(client, tokens["operator"]) == 0


@pytest.mark.parametrize(
    "path",
    ["/api/brain/observations", "/api/brain/detectors", "/api/brain/twin/status",
     "/api/brain/twin/network", "/api/brain/twin/live", "/api/brain/twin/junctions",
     "/api/brain/stream"],
)  # fmt: skip
def test_reading_needs_a_token(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 401


def test_unknown_detector_is_404(client: TestClient, tokens: dict[str, str]) -> None:
    response = client.get(
        "/api/brain/observations", params={"detector": "nope"}, headers=auth(tokens["fan"])
    )
    assert response.status_code == 404
    assert "nope" in response.json()["message"]


def test_without_a_running_twin_live_routes_say_so(
    client: TestClient, tokens: dict[str, str]
) -> None:
    status = client.get("/api/brain/twin/status", headers=auth(tokens["fan"])).json()
    assert status["state"] == "disabled"
    assert status["network"] is False  # so the UI does not ask for it
    for path in ("/api/brain/twin/network", "/api/brain/twin/live", "/api/brain/twin/junctions"):
        response = client.get(path, headers=auth(tokens["fan"]))
        assert response.status_code == 409
        assert "twin" in response.json()["message"]


class FakeSwitch:
    """Stands in for the twin worker's controller switch."""

    def __init__(self, available: list[str]) -> None:
        self._available = available
        self.chosen: dict[str, str] = {"J1": "fixed", "J2": "fixed"}
        self.status = TwinStatus(state="running", scenario="grid", speed=10.0)

    def controllers(self) -> dict[str, str]:
        return dict(self.chosen)

    def available_controllers(self) -> list[str]:
        return list(self._available)

    def set_controller(self, tls_id: str, name: str) -> None:
        if name not in self._available:
            raise DependencyError(f"controller {name!r} is not available")
        self.chosen[tls_id] = name


def _running(platform: Platform, available: list[str]) -> FakeSwitch:
    service = _service(platform)
    network = NetworkGeometry(
        edges=[EdgeGeometry("e1", "J0", "J1", 1, 13.9, [(0.0, 0.0), (100.0, 0.0)])],
        junctions=[JunctionGeometry("J1", 100.0, 0.0, "J1"), JunctionGeometry("J2", 0, 0, "J2")],
        tls_ids=["J1", "J2"],
        bounds=(0.0, 0.0, 100.0, 0.0),
    )
    service.set_network(network, [])
    switch = FakeSwitch(available)
    service.switch = switch
    service.publish_status(switch.status)
    service.publish_state(
        LiveState(12.0, utcnow(), Kpis(3, 8.5, 4.0), {"e1": 8.5}, {"J1": "GGrr"}, switch.chosen)
    )
    return switch


def test_live_routes_serve_the_twin(
    client: TestClient, platform: Platform, tokens: dict[str, str]
) -> None:
    _running(platform, list(CONTROLLER_NAMES))
    headers = auth(tokens["fan"])
    network = client.get("/api/brain/twin/network", headers=headers).json()
    assert network["edges"][0]["shape"] == [[0.0, 0.0], [100.0, 0.0]]
    assert network["tls"] == ["J1", "J2"]
    live = client.get("/api/brain/twin/live", headers=headers).json()
    assert live["kpis"] == {"vehicles": 3, "mean_speed_mps": 8.5, "mean_delay_s": 4.0}
    assert live["tls_state"] == {"J1": "GGrr"}
    status = client.get("/api/brain/twin/status", headers=headers).json()
    assert status["state"] == "running" and status["network"] is True


def test_operator_switches_a_controller_and_fans_cannot(
    client: TestClient, platform: Platform, tokens: dict[str, str]
) -> None:
    switch = _running(platform, list(CONTROLLER_NAMES))
    url = "/api/brain/twin/junctions/J1/controller"
    denied = client.put(url, json={"controller": "hostcity"}, headers=auth(tokens["fan"]))
    assert denied.status_code == 403
    assert switch.chosen["J1"] == "fixed"
    ok = client.put(url, json={"controller": "max-pressure"}, headers=auth(tokens["operator"]))
    assert ok.status_code == 200, ok.text
    assert switch.chosen["J1"] == "max-pressure"
    listed = client.get("/api/brain/twin/junctions", headers=auth(tokens["fan"])).json()
    assert {"tls": "J1", "controller": "max-pressure"} in listed["junctions"]
    assert listed["controllers"] == list(CONTROLLER_NAMES)


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(("J1", "magic", list(CONTROLLER_NAMES), 422), id="unknown-controller"),
        pytest.param(("J9", "fixed", list(CONTROLLER_NAMES), 404), id="unknown-junction"),
        pytest.param(("J1", "hostcity", ["fixed"], 503), id="control-not-installed"),
    ],
)
def test_bad_controller_switch_is_refused(
    client: TestClient,
    platform: Platform,
    tokens: dict[str, str],
    case: tuple[str, str, list[str], int],
) -> None:
    tls, name, available, status = case
    switch = _running(platform, available)
    response = client.put(
        f"/api/brain/twin/junctions/{tls}/controller",
        json={"controller": name},
        headers=auth(tokens["operator"]),
    )
    assert response.status_code == status
    assert switch.chosen == {"J1": "fixed", "J2": "fixed"}


@pytest.mark.timeout(30)
def test_stream_replays_status_and_state(
    client: TestClient, platform: Platform, tokens: dict[str, str]
) -> None:
    _running(platform, ["fixed"])
    _service(platform).ingest([entity("loop-9")])
    with client.stream(
        "GET", "/api/brain/stream", params={"max_events": 2}, headers=auth(tokens["fan"])
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        text = "".join(response.iter_text())
    blocks = [b for b in text.split("\n\n") if b.strip()]
    kinds = [
        line.split(": ", 1)[1]
        for b in blocks
        for line in b.splitlines()
        if line.startswith("event:")
    ]
    assert kinds == ["status", "state"]
    state = json.loads(blocks[1].split("data: ", 1)[1])
    assert state["kpis"]["vehicles"] == 3


@pytest.mark.timeout(30)
def test_stream_ends_by_itself_so_the_server_can_shut_down(
    client: TestClient, tokens: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from hostcity.api.routes.brain import twin as routes

    monkeypatch.setattr(routes, "STREAM_MAX_S", 0.5)
    monkeypatch.setattr(routes, "KEEPALIVE_S", 0.2)
    with client.stream("GET", "/api/brain/stream", headers=auth(tokens["fan"])) as response:
        text = "".join(response.iter_text())
    assert ": keepalive" in text
    assert "event:" not in text
