"""Cancelling calls and clearing scenes early: service life cycle and API (no SUMO)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from hostcity.brain.emergency.calls import CallLocation
from hostcity.brain.emergency.errors import CallNotOpenError, EmergencyInputError
from hostcity.brain.emergency.orders import Recall
from hostcity.brain.emergency.service import EmergencyService
from hostcity.core.errors import NotFoundError
from tests.conftest import auth

BASE = "/api/brain/emergency"
CALL = CallLocation(edge_id="n10-n11")


def _unit_status(service: EmergencyService) -> str:
    return str(service.units()[0]["status"])


def test_a_call_still_queued_is_cancelled_and_the_unit_never_leaves(
    service: EmergencyService,
) -> None:
    call = service.dispatch(CALL)
    cancelled = service.cancel(call["id"], reason="  caller hung up ")
    assert cancelled["status"] == "cancelled"
    assert cancelled["note"] == "cancelled by the operator: caller hung up"
    assert _unit_status(service) == "available"
    assert service.units()[0]["call"] is None
    assert service.take_orders() == []  # the twin never gets the order
    assert service.take_recalls() == []
    assert service.tracking("amb-1") is None


def test_a_unit_on_the_road_is_turned_back_by_the_twin(service: EmergencyService) -> None:
    call = service.dispatch(CALL)
    (order,) = service.take_orders()  # the twin started the drive
    assert service.cancel(call["id"])["status"] == "cancelled"
    assert _unit_status(service) == "returning"
    assert service.take_recalls() == [Recall(call["id"], "amb-1")]
    assert service.take_recalls() == []
    # the twin reports the arrival it had under way: the cancel wins, the unit is not on scene
    assert service.arrived(call["id"], "amb-1", 150.0) is False
    assert service.call(call["id"])["status"] == "cancelled"
    assert _unit_status(service) == "returning"
    # a drive the twin then refuses keeps the call cancelled, not failed
    service.failed(order, "SUMO refused the vehicle")
    assert service.call(call["id"])["status"] == "cancelled"
    assert _unit_status(service) == "available"


def test_a_late_recall_does_not_free_a_unit_sent_on_a_new_call(
    service: EmergencyService,
) -> None:
    first = service.dispatch(CALL)
    service.take_orders()
    service.cancel(first["id"])
    service.home("amb-1", call_id=first["id"])
    second = service.dispatch(CALL)
    service.home("amb-1", call_id=first["id"])  # a recall of the old call arriving late
    assert _unit_status(service) == "dispatched"
    assert service.units()[0]["call"] == second["id"]


def test_a_scene_is_cleared_early(service: EmergencyService) -> None:
    call = service.dispatch(CALL)
    service.take_orders()
    assert service.arrived(call["id"], "amb-1", 130.0) is True
    cleared = service.cancel(call["id"], reason="patient walked away")
    assert cleared["status"] == "closed"
    assert cleared["note"] == "scene cleared early: patient walked away"
    assert cleared["travel_time_s"] == pytest.approx(30.0)  # the arrival stays on record
    assert _unit_status(service) == "returning"
    assert service.take_recalls() == [Recall(call["id"], "amb-1")]
    service.leaving(call["id"], "amb-1", home=False)  # what the twin's return does
    service.home("amb-1")
    assert _unit_status(service) == "available"


def test_without_a_twin_the_unit_is_available_at_once(service: EmergencyService) -> None:
    call = service.dispatch(CALL)
    service.take_orders()
    service.set_picture(None)  # e.g. the CLI on a store a stopped server left open calls in
    assert service.cancel(call["id"])["status"] == "cancelled"
    assert _unit_status(service) == "available"
    assert service.take_recalls() == []


def test_a_refused_cancel_leaves_nothing_half_done(service: EmergencyService) -> None:
    call = service.dispatch(CALL)
    with pytest.raises(EmergencyInputError, match="more than 300"):
        service.cancel(call["id"], reason="x" * 301)
    assert service.call(call["id"])["status"] == "dispatched"
    assert _unit_status(service) == "dispatched"
    (order,) = service.take_orders()  # the order went back to the twin's queue
    assert order.call_id == call["id"]


def _closed(service: EmergencyService, call_id: int) -> None:
    service.take_orders()
    service.arrived(call_id, "amb-1", 130.0)
    service.leaving(call_id, "amb-1", home=True)


def _failed(service: EmergencyService, call_id: int) -> None:
    (order,) = service.take_orders()
    service.failed(order, "no lane")


def _cancelled(service: EmergencyService, call_id: int) -> None:
    service.cancel(call_id)


def _interrupted(service: EmergencyService, _call_id: int) -> None:
    service.reset("the live twin run ended")


@pytest.mark.parametrize(
    ("end", "status"),
    [
        pytest.param(_closed, "closed", id="closed"),
        pytest.param(_failed, "failed", id="failed"),
        pytest.param(_cancelled, "cancelled", id="cancelled"),
        pytest.param(_interrupted, "interrupted", id="interrupted"),
    ],
)
def test_a_call_no_longer_open_cannot_be_cancelled(
    service: EmergencyService, end: Callable[[EmergencyService, int], None], status: str
) -> None:
    call = service.dispatch(CALL)
    end(service, call["id"])
    assert _unit_status(service) == "available"
    with pytest.raises(CallNotOpenError, match=f"call {call['id']} is {status}") as info:
        service.cancel(call["id"])
    assert info.value.http_status == 409 and info.value.hint
    assert service.call(call["id"])["status"] == status
    assert _unit_status(service) == "available"
    assert service.take_recalls() == []


def test_an_unknown_call_cannot_be_cancelled(service: EmergencyService) -> None:
    with pytest.raises(NotFoundError, match="no emergency call 77"):
        service.cancel(77)


# API ------------------------------------------------------------------------------------------


def test_the_operator_cancels_through_the_api(
    client: TestClient, tokens: dict[str, str], service: EmergencyService
) -> None:
    headers = auth(tokens["operator"])
    call = client.post(f"{BASE}/calls", json={"edge": "n10-n11"}, headers=headers).json()
    url = f"{BASE}/calls/{call['id']}/cancel"
    response = client.post(url, json={"reason": "false alarm"}, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "cancelled"
    assert "false alarm" in response.json()["note"]
    again = client.post(url, headers=headers)  # no body at all is fine too
    assert again.status_code == 409
    assert again.json()["error"] == "call_not_open"
    expected = f"call {call['id']} is cancelled, so there is nothing to cancel"
    assert again.json()["message"] == expected
    missing = client.post(f"{BASE}/calls/999/cancel", headers=headers)
    assert missing.status_code == 404 and missing.json()["message"] == "no emergency call 999"
    too_long = client.post(url, json={"reason": "x" * 301}, headers=headers)
    assert too_long.status_code == 422


@pytest.mark.parametrize("role", [pytest.param("fan", id="fan"), pytest.param("gate", id="gate")])
def test_only_operators_cancel(
    client: TestClient, tokens: dict[str, str], service: EmergencyService, role: str
) -> None:
    call = service.dispatch(CALL)
    url = f"{BASE}/calls/{call['id']}/cancel"
    assert client.post(url, headers=auth(tokens[role])).status_code == 403
    assert client.post(url).status_code == 401
    assert service.call(call["id"])["status"] == "dispatched"
    assert _unit_status(service) == "dispatched"
