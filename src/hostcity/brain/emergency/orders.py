"""What the API thread hands the twin's thread: drives to start and units to turn back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hostcity.brain.emergency.routing import Spot


@dataclass(frozen=True)
class Order:
    """A drive the twin must start: a unit, its route, where it starts and where it stops."""

    call_id: int | None
    unit_id: str
    route: tuple[str, ...]
    origin: Spot
    destination: Spot
    eta_s: float
    to_scene: bool = True


@dataclass(frozen=True)
class Recall:
    """A unit the twin must turn back (its call was cancelled) or take off the scene early."""

    call_id: int
    unit_id: str


def planned_tracking(order: Order, sim_time_s: float) -> dict[str, Any]:
    """Tracking of a unit that has not left its station yet."""
    return {
        "call": order.call_id,
        "leg": "to_scene" if order.to_scene else "returning",
        "state": "departing",
        "x": round(order.origin.x, 1),
        "y": round(order.origin.y, 1),
        "edge": order.origin.edge_id,
        "route": list(order.route),
        "eta_s": round(order.eta_s, 1),
        "speed_mps": 0.0,
        "sim_time_s": sim_time_s,
    }
