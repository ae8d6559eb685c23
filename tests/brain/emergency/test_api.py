"""The emergency API on a synthetic road picture: units, ETA preview, dispatch, refusals, roles."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from hostcity.brain.emergency.service import EmergencyService
from hostcity.brain.emergency.setup import SERVICE
from hostcity.brain.emergency.units import Unit
from hostcity.core.platform import Platform
from tests.brain.emergency.api import BASE, post
from tests.brain.emergency.roads import grid_graph, picture
from tests.conftest import auth


@pytest.fixture
def service(platform: Platform) -> EmergencyService:
    """The service with two ambulances at opposite corners of a free-flowing 3x3 grid."""
    found: EmergencyService = platform.service(SERVICE)
    found.add_unit(Unit("amb-1", "ambulance", "Ambulance 1", "n00-n10", 50.0, (50.0, 0.0)))
    found.add_unit(Unit("amb-2", "ambulance", "Ambulance 2", "n22-n12", 50.0, (150.0, 200.0)))
    found.set_picture(picture(grid_graph()))
    return found


def test_the_closest_unit_goes_and_becomes_busy(
    client: TestClient, tokens: dict[str, str], service: EmergencyService
) -> None:
    code, preview = post(client, tokens["operator"], "/eta", x=60.0, y=3.0)
    assert code == 200, preview
    etas = {u["id"]: u["eta_s"] for u in preview["units"]}  # type: ignore[attr-defined]
    assert etas["amb-1"] == pytest.approx(1.0)  # 10 m ahead on its own edge at 10 m/s
    assert etas["amb-2"] > etas["amb-1"]
    code, call = post(client, tokens["operator"], "/calls", x=60.0, y=3.0)
    assert code == 201, call
    assert call["unit"] == "amb-1"
    assert call["status"] == "dispatched"
    assert call["route"] == ["n00-n10"]
    units = client.get(f"{BASE}/units", headers=auth(tokens["operator"])).json()["units"]
    status = {u["id"]: u["status"] for u in units}
    assert status == {"amb-1": "dispatched", "amb-2": "available"}
    live = next(u for u in units if u["id"] == "amb-1")["live"]
    assert live["call"] == call["id"] and live["eta_s"] == pytest.approx(1.0)
    got = client.get(f"{BASE}/calls/{call['id']}", headers=auth(tokens["operator"])).json()
    assert got["unit"] == "amb-1" and got["live"]["route"] == ["n00-n10"]
    orders = service.take_orders()
    assert [(o.unit_id, o.call_id) for o in orders] == [("amb-1", call["id"])]


def test_live_travel_times_change_the_choice(
    client: TestClient, tokens: dict[str, str], service: EmergencyService
) -> None:
    # a call just ahead of amb-2 (10 s away at free flow; amb-1 needs 30 s)
    code, free = post(client, tokens["operator"], "/eta", edge="n12-n02")
    assert code == 200
    assert [(u["id"], u["eta_s"]) for u in free["units"]] == [  # type: ignore[attr-defined]
        ("amb-2", 10.0),
        ("amb-1", 30.0),
    ]
    # now amb-2's street is jammed: 900 s to drive it, 450 s for the half ahead of amb-2
    service.set_picture(picture(grid_graph(), {"n22-n12": 900.0}))
    code, call = post(client, tokens["operator"], "/calls", edge="n12-n02")
    assert code == 201
    assert call["unit"] == "amb-1"
    assert call["candidates"] == {"amb-1": 30.0, "amb-2": 455.0}


def test_the_operator_can_pick_a_unit_but_not_a_busy_one(
    client: TestClient, tokens: dict[str, str], service: EmergencyService
) -> None:
    code, call = post(client, tokens["operator"], "/calls", x=60.0, y=3.0, unit="amb-2")
    assert code == 201 and call["unit"] == "amb-2"
    code, again = post(client, tokens["operator"], "/calls", x=60.0, y=3.0, unit="amb-2")
    assert code == 409
    assert again["error"] == "unit_busy" and "dispatched" in str(again["message"])
    code, _ = post(client, tokens["operator"], "/calls", x=60.0, y=3.0)
    assert code == 201
    code, none = post(client, tokens["operator"], "/calls", x=60.0, y=3.0)
    assert code == 409
    assert none["error"] == "no_unit_available" and "2 of 2 busy" in str(none["message"])
    assert len(service.calls()) == 2  # refused calls leave nothing behind


def test_a_call_outside_the_network_is_refused(
    client: TestClient, tokens: dict[str, str], service: EmergencyService
) -> None:
    code, body = post(client, tokens["operator"], "/calls", x=5000.0, y=5000.0)
    assert code == 422
    assert body["error"] == "outside_network"
    assert "outside the network" in str(body["message"]) and "hint" in body
    units = service.units()
    assert {u["status"] for u in units} == {"available"}
    assert service.calls() == []


@pytest.mark.parametrize(
    ("body", "where"),
    [
        pytest.param({}, "needs a location", id="nothing"),
        pytest.param({"edge": "nope"}, "not a road", id="unknown-edge"),
        pytest.param({"unit": "amb-9", "x": 60.0, "y": 3.0}, "no emergency unit", id="unit"),
    ],
)
def test_bad_calls_get_clear_messages(
    client: TestClient,
    tokens: dict[str, str],
    service: EmergencyService,
    body: dict[str, object],
    where: str,
) -> None:
    code, answer = post(client, tokens["operator"], "/calls", **body)
    assert code in {404, 422}
    assert where in str(answer["message"])
    assert service.calls() == []


def test_unknown_call_is_404(client: TestClient, tokens: dict[str, str]) -> None:
    response = client.get(f"{BASE}/calls/999", headers=auth(tokens["operator"]))
    assert response.status_code == 404
    assert response.json()["message"] == "no emergency call 999"


def test_without_the_twin_dispatch_is_409(client: TestClient, tokens: dict[str, str]) -> None:
    code, body = post(client, tokens["operator"], "/calls", x=1.0, y=1.0)
    assert code == 409
    assert body["error"] == "twin_not_ready" and "TWIN_ENABLED" in str(body["hint"])


@pytest.mark.parametrize("role", [pytest.param("fan", id="fan"), pytest.param("gate", id="gate")])
def test_only_operators_dispatch_and_see_units(
    client: TestClient, tokens: dict[str, str], service: EmergencyService, role: str
) -> None:
    code, _ = post(client, tokens[role], "/calls", x=60.0, y=3.0)
    assert code == 403
    assert client.get(f"{BASE}/units", headers=auth(tokens[role])).status_code == 403
    assert client.get(f"{BASE}/units").status_code == 401
    assert {u["status"] for u in service.units()} == {"available"}


def test_a_call_keeps_its_note_and_a_long_one_is_refused(
    client: TestClient, tokens: dict[str, str], service: EmergencyService
) -> None:
    code, call = post(client, tokens["operator"], "/calls", x=60.0, y=3.0, note=" incident 3 ")
    assert code == 201, call
    assert call["note"] == "incident 3"
    code, refused = post(client, tokens["operator"], "/calls", x=60.0, y=3.0, note="x" * 201)
    assert code == 422
    assert "note" in refused["message"]  # type: ignore[index]
