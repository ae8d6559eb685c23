"""A stalled vehicle in SUMO: the lane-blocking incident both the evaluation and live
exercises stage (a vehicle stopped over a junction approach's loop)."""

from __future__ import annotations

from typing import Any


def stall_vehicle_over_loop(
    sumo: Any, lane_id: str, loop_pos_m: float, *, spare_emergency: bool = False
) -> str | None:
    """Stall a vehicle standing or driving over the loop at ``loop_pos_m`` on ``lane_id``.

    With ``spare_emergency``, emergency vehicles (SUMO class 'emergency') are never picked.
    Returns the vehicle's id, or None when none is over the loop this step.
    """
    for vehicle in sumo.lane.getLastStepVehicleIDs(lane_id):
        if spare_emergency and sumo.vehicle.getVehicleClass(vehicle) == "emergency":
            continue
        front_m = float(sumo.vehicle.getLanePosition(vehicle))
        length_m = float(sumo.vehicle.getLength(vehicle))
        if loop_pos_m + 0.5 <= front_m <= loop_pos_m + length_m - 0.5:
            sumo.vehicle.setSpeedMode(vehicle, 0)
            sumo.vehicle.setLaneChangeMode(vehicle, 0)
            sumo.vehicle.setSpeed(vehicle, 0.0)
            return str(vehicle)
    return None


def release_vehicle(sumo: Any, vehicle: str) -> None:
    """Let a stalled vehicle drive on (if it is still in the simulation)."""
    if vehicle in sumo.vehicle.getIDList():
        sumo.vehicle.setSpeed(vehicle, -1.0)
        sumo.vehicle.setSpeedMode(vehicle, 31)
        sumo.vehicle.setLaneChangeMode(vehicle, 1621)
