"""The twin hook's side of a recall, on a stand-in for libsumo (the live drive is in
test_live_twin.py): a vehicle not yet on the road, one that just arrived, one never started."""

from __future__ import annotations

from typing import Any

from hostcity.brain.emergency.adapters.live import VEHICLE_PREFIX, EmergencyTwinHook, _Drive
from hostcity.brain.emergency.calls import CallLocation
from hostcity.brain.emergency.service import EmergencyService
from tests.brain.emergency.roads import grid_graph


class _Vehicles:
    def __init__(self) -> None:
        self.on_road: list[str] = []
        self.added: list[str] = []
        self.removed: list[str] = []

    def getIDList(self) -> list[str]:
        return list(self.on_road)

    def add(self, vehicle_id: str, *_args: Any, **_kwargs: Any) -> None:
        self.added.append(vehicle_id)

    def remove(self, vehicle_id: str) -> None:
        self.removed.append(vehicle_id)


class _Routes:
    def add(self, *_args: Any) -> None:
        """Routes are accepted as they are."""


class _Simulation:
    def __init__(self) -> None:
        self.arrived: list[str] = []

    def getArrivedIDList(self) -> list[str]:
        return list(self.arrived)


class _Sumo:
    """What the hook calls of libsumo while it handles recalls."""

    TraCIException = RuntimeError

    def __init__(self) -> None:
        self.vehicle = _Vehicles()
        self.route = _Routes()
        self.simulation = _Simulation()


def _hook(service: EmergencyService) -> tuple[EmergencyTwinHook, _Sumo, int, str]:
    """A hook that has started the drive of a new call (its vehicle not on the road yet)."""
    hook = EmergencyTwinHook(service, preempt=False)
    sumo = _Sumo()
    hook._sumo, hook._graph = sumo, grid_graph()
    hook._travel_s = hook._graph.free_flow_s()
    hook._last_sample_s = 100.0  # no speed sampling in these steps
    call = service.dispatch(CallLocation(edge_id="n10-n11"))
    hook.step(100.0)
    vehicle_id = f"{VEHICLE_PREFIX}amb-1_{call['id']}"
    assert sumo.vehicle.added == [vehicle_id]
    return hook, sumo, call["id"], vehicle_id


def _unit_status(service: EmergencyService) -> str:
    return str(service.units()[0]["status"])


def test_a_vehicle_still_waiting_to_enter_is_taken_off(service: EmergencyService) -> None:
    hook, sumo, call_id, vehicle_id = _hook(service)
    service.cancel(call_id)
    assert _unit_status(service) == "returning"
    hook.step(101.0)
    assert sumo.vehicle.removed == [vehicle_id]
    assert _unit_status(service) == "available"
    assert hook._drives == {}


def test_a_vehicle_that_arrives_as_it_is_recalled_drives_home(service: EmergencyService) -> None:
    hook, sumo, call_id, vehicle_id = _hook(service)
    service.cancel(call_id)
    sumo.simulation.arrived = [vehicle_id]
    hook.step(101.0)
    assert sumo.vehicle.removed == []
    assert sumo.vehicle.added == [vehicle_id, f"{vehicle_id}_back"]
    (drive,) = hook._drives.values()
    assert not drive.order.to_scene and drive.order.route[-1] == "n00-n10"
    assert _unit_status(service) == "returning"
    assert service.call(call_id)["status"] == "cancelled"  # not on scene


def test_a_recall_of_a_drive_the_twin_never_had_frees_the_unit(
    service: EmergencyService,
) -> None:
    hook, _sumo, call_id, vehicle_id = _hook(service)
    service.cancel(call_id)
    del hook._drives[vehicle_id]  # e.g. SUMO refused it after the cancel
    hook.step(101.0)
    assert _unit_status(service) == "available"


def test_a_drive_already_home_bound_is_left_alone(service: EmergencyService) -> None:
    hook, sumo, call_id, vehicle_id = _hook(service)
    service.cancel(call_id)
    (drive,) = hook._drives.values()
    home = _Drive(
        type(drive.order)(call_id, "amb-1", ("n10-n00",), drive.order.destination,
                          drive.order.origin, 10.0, to_scene=False),
        vehicle_id, 100.0,
    )  # fmt: skip
    hook._drives[vehicle_id] = home
    sumo.vehicle.on_road = []
    hook.step(101.0)
    assert hook._drives == {vehicle_id: home}
    assert sumo.vehicle.removed == []
    assert _unit_status(service) == "returning"
