"""Adding, updating and removing units through the service and the API (no SUMO)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from hostcity.brain.emergency.calls import CallLocation
from hostcity.brain.emergency.errors import EmergencyInputError, UnitBusyError
from hostcity.brain.emergency.service import EmergencyService
from hostcity.brain.emergency.setup import SERVICE
from hostcity.core.errors import NotFoundError
from hostcity.core.platform import Platform
from tests.brain.emergency.api import BASE, post
from tests.brain.emergency.roads import grid_graph, picture
from tests.conftest import auth


@pytest.fixture
def service(platform: Platform) -> EmergencyService:
    """The service on a free-flowing 3x3 grid (100 m blocks), no units yet."""
    found: EmergencyService = platform.service(SERVICE)
    found.set_picture(picture(grid_graph()))
    return found


def test_a_station_snaps_to_the_road_and_an_update_keeps_the_status(
    service: EmergencyService,
) -> None:
    unit, created = service.save_unit(
        service.picture(), "amb-3", "ambulance", None, CallLocation(x=62.0, y=4.0)
    )
    assert created is True
    assert unit["name"] == "amb-3" and unit["status"] == "available"
    station = unit["station"]
    assert station["edge"] in {"n00-n10", "n10-n00"}
    assert (station["x"], station["y"]) == (62.0, 0.0)  # snapped onto the road
    service.dispatch(CallLocation(edge_id="n10-n11"))
    moved, created = service.save_unit(
        service.picture(), "amb-3", "fire", "Engine 3", CallLocation(edge_id="n22-n12", pos_m=20)
    )
    assert created is False
    assert (moved["kind"], moved["name"], moved["status"]) == ("fire", "Engine 3", "dispatched")
    assert moved["station"]["edge"] == "n22-n12" and moved["station"]["pos_m"] == 20.0


@pytest.mark.parametrize(
    ("unit_id", "kind", "name", "where", "error", "match"),
    [
        pytest.param("Amb 3", "ambulance", None, CallLocation(edge_id="n00-n10"),
                     EmergencyInputError, "unit id 'Amb 3' is not valid", id="bad-id"),
        pytest.param("taxi-1", "taxi", None, CallLocation(edge_id="n00-n10"),
                     EmergencyInputError, "unknown unit kind 'taxi'", id="bad-kind"),
        pytest.param("amb-3", "ambulance", " ", CallLocation(edge_id="n00-n10"),
                     EmergencyInputError, "unit name", id="blank-name"),
        pytest.param("amb-3", "ambulance", None, CallLocation(x=5000.0, y=5000.0),
                     EmergencyInputError, "outside the network", id="off-network"),
        pytest.param("amb-3", "ambulance", None, CallLocation(edge_id="nope"),
                     EmergencyInputError, "not a road", id="unknown-edge"),
        pytest.param("amb-3", "ambulance", None, CallLocation(),
                     EmergencyInputError, "needs a location", id="no-station"),
    ],
)  # fmt: skip
def test_bad_units_are_refused_and_nothing_is_stored(  # noqa: PLR0917
    service: EmergencyService,
    unit_id: str,
    kind: str,
    name: str | None,
    where: CallLocation,
    error: type[Exception],
    match: str,
) -> None:
    with pytest.raises(error, match=match):
        service.save_unit(service.picture(), unit_id, kind, name, where)
    assert service.units() == []


def test_a_unit_is_removed_only_when_available(service: EmergencyService) -> None:
    service.save_unit(service.picture(), "amb-3", "ambulance", None, CallLocation(x=62.0, y=4.0))
    call = service.dispatch(CallLocation(edge_id="n10-n11"))
    with pytest.raises(UnitBusyError, match="amb-3 is dispatched") as info:
        service.remove_unit("amb-3")
    assert f"cancel its call {call['id']}" in str(info.value.hint)
    assert [u["id"] for u in service.units()] == ["amb-3"]
    service.cancel(call["id"])
    service.remove_unit("amb-3")
    assert service.units() == []
    with pytest.raises(NotFoundError, match="no emergency unit 'amb-3'"):
        service.remove_unit("amb-3")


# API ------------------------------------------------------------------------------------------


def test_units_are_created_updated_and_deleted_through_the_api(
    client: TestClient, tokens: dict[str, str], service: EmergencyService
) -> None:
    token = tokens["operator"]
    code, unit = post(client, token, "/units", id="pol-3", kind="police", x=100.0, y=150.0)
    assert code == 201, unit
    assert unit["station"]["edge"] in {"n11-n12", "n12-n11"}
    code, unit = post(
        client, token, "/units", id="pol-3", kind="police", name="Car 3", edge="n00-n10"
    )
    assert code == 200 and unit["name"] == "Car 3" and unit["station"]["edge"] == "n00-n10"
    service.dispatch(CallLocation(edge_id="n10-n11"))
    busy = client.delete(f"{BASE}/units/pol-3", headers=auth(token))
    assert busy.status_code == 409 and busy.json()["error"] == "unit_busy"
    service.reset("test")
    gone = client.delete(f"{BASE}/units/pol-3", headers=auth(token))
    assert gone.status_code == 200 and gone.json() == {"deleted": "pol-3"}
    missing = client.delete(f"{BASE}/units/pol-3", headers=auth(token))
    assert missing.status_code == 404


@pytest.mark.parametrize(
    ("body", "error"),
    [
        pytest.param({"id": "pol 3", "kind": "police", "edge": "n00-n10"},
                     "bad_emergency_input", id="bad-id"),
        pytest.param({"id": "pol-3", "kind": "tank", "edge": "n00-n10"},
                     "bad_emergency_input", id="bad-kind"),
        pytest.param({"id": "pol-3", "kind": "police", "x": 900.0, "y": -900.0},
                     "outside_network", id="off-network"),
    ],
)  # fmt: skip
def test_bad_units_get_clear_api_errors(
    client: TestClient,
    tokens: dict[str, str],
    service: EmergencyService,
    body: dict[str, Any],
    error: str,
) -> None:
    code, answer = post(client, tokens["operator"], "/units", **body)
    assert code == 422
    assert answer["error"] == error and answer["hint"]
    assert service.units() == []


@pytest.mark.parametrize("role", [pytest.param("fan", id="fan"), pytest.param("gate", id="gate")])
def test_only_operators_manage_units(
    client: TestClient, tokens: dict[str, str], service: EmergencyService, role: str
) -> None:
    code, _ = post(client, tokens[role], "/units", id="pol-3", kind="police", edge="n00-n10")
    assert code == 403
    service.save_unit(service.picture(), "pol-3", "police", None, CallLocation(edge_id="n00-n10"))
    response = client.delete(f"{BASE}/units/pol-3", headers=auth(tokens[role]))
    assert response.status_code == 403
    assert client.delete(f"{BASE}/units/pol-3").status_code == 401
    assert [u["id"] for u in service.units()] == ["pol-3"]
