"""The emergency service's life cycle of a call, as the twin reports it (no SUMO)."""

from __future__ import annotations

import pytest

from hostcity.brain.emergency.calls import CallLocation
from hostcity.brain.emergency.errors import EmergencyInputError
from hostcity.brain.emergency.service import EmergencyService
from hostcity.brain.emergency.units import Unit


def _status(service: EmergencyService) -> str:
    return str(service.units()[0]["status"])


def test_a_call_from_dispatch_to_home(service: EmergencyService) -> None:
    call = service.dispatch(CallLocation(edge_id="n10-n11"))
    (order,) = service.take_orders()
    assert order.route == ("n00-n10", "n10-n11") and order.eta_s == pytest.approx(10.0)
    assert service.take_orders() == []
    service.arrived(call["id"], "amb-1", 130.0)
    assert _status(service) == "on_scene"
    done = service.call(call["id"])
    assert done["status"] == "on_scene" and done["travel_time_s"] == pytest.approx(30.0)
    service.leaving(call["id"], "amb-1", home=False)
    assert _status(service) == "returning"
    assert service.call(call["id"])["status"] == "closed"
    service.home("amb-1")
    assert _status(service) == "available"
    assert service.units()[0]["call"] is None


def test_a_drive_the_twin_refuses_frees_the_unit(service: EmergencyService) -> None:
    call = service.dispatch(CallLocation(edge_id="n10-n11"))
    (order,) = service.take_orders()
    service.failed(order, "SUMO refused the vehicle: no lane")
    assert _status(service) == "available"
    failed = service.call(call["id"])
    assert failed["status"] == "failed" and "no lane" in failed["note"]
    assert service.tracking("amb-1") is None


def test_a_new_twin_run_sends_units_home(service: EmergencyService) -> None:
    driving = service.dispatch(CallLocation(edge_id="n10-n11"))
    assert service.reset("the live twin started a new run") == 1
    assert _status(service) == "available"
    assert service.call(driving["id"])["status"] == "interrupted"
    assert service.take_orders() == []
    there = service.dispatch(CallLocation(edge_id="n10-n11"))
    service.arrived(there["id"], "amb-1", 120.0)
    service.reset("the live twin run ended")
    assert service.call(there["id"])["status"] == "closed"  # it got there


def test_a_unit_cannot_skip_its_life_cycle(service: EmergencyService) -> None:
    call = service.dispatch(CallLocation(edge_id="n10-n11"))
    service.home("amb-1")  # a failed start may send it home at once
    with pytest.raises(EmergencyInputError, match="cannot go from available to on_scene"):
        service.arrived(call["id"], "amb-1", 100.0)


def test_bad_units_and_limits_are_refused(service: EmergencyService) -> None:
    with pytest.raises(EmergencyInputError, match="not valid"):
        service.add_unit(Unit("Amb 1", "ambulance", "x", "n00-n10", 0.0, (0.0, 0.0)))
    with pytest.raises(EmergencyInputError, match="unknown unit kind"):
        service.add_unit(Unit("taxi-1", "taxi", "x", "n00-n10", 0.0, (0.0, 0.0)))
    with pytest.raises(EmergencyInputError, match="limit"):
        service.calls(limit=0)
