"""Emergency calls: where a call is, the live road picture, each unit's ETA, cancelling."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from hostcity.brain.emergency.errors import CallNotOpenError, EmergencyInputError
from hostcity.brain.emergency.routing import (
    MAX_SNAP_M,
    RoadGraph,
    Route,
    Spot,
    fastest_route,
    snap,
    spot_on_edge,
)
from hostcity.brain.emergency.units import AVAILABLE, ON_SCENE, RETURNING, Unit

DISPATCHED_CALL = "dispatched"
CANCELLED = "cancelled"
CLOSED = "closed"
CALL_STATUSES = (DISPATCHED_CALL, ON_SCENE, CLOSED, "failed", "interrupted", CANCELLED)
MAX_REASON_CHARS = 300
ToXY = Callable[[float, float], tuple[float, float]]


@dataclass(frozen=True)
class CallLocation:
    """Where a call is: x/y metres, lon/lat degrees, or an edge (and a position along it)."""

    x: float | None = None
    y: float | None = None
    lon: float | None = None
    lat: float | None = None
    edge_id: str | None = None
    pos_m: float | None = None


@dataclass(frozen=True)
class RoadPicture:
    """The roads and their live travel times at one simulated moment.

    Attributes:
        graph: Roads emergency vehicles may use.
        travel_s: Seconds to drive each edge now (smoothed live speeds).
        sim_time_s: Simulated time of the picture.
        to_xy: Lon/lat to network x/y, for a geo-referenced network.
    """

    graph: RoadGraph
    travel_s: Mapping[str, float]
    sim_time_s: float
    to_xy: ToXY | None = None


def locate(picture: RoadPicture, where: CallLocation, *, max_snap_m: float = MAX_SNAP_M) -> Spot:
    """The road spot of a call.

    Raises:
        EmergencyInputError: when the location is missing, half given or not a number.
        OutsideNetworkError: when it is off the roads, or an edge vehicles cannot use.
    """
    if where.edge_id is not None:
        return spot_on_edge(picture.graph, where.edge_id, where.pos_m)
    if where.x is not None and where.y is not None:
        return snap(picture.graph, where.x, where.y, max_m=max_snap_m)
    if where.lon is not None and where.lat is not None:
        if picture.to_xy is None:
            raise EmergencyInputError(
                "this network has no geo-reference, so lon/lat cannot be placed on it",
                hint="give x/y metres or an edge id",
            )
        if not (-180 <= where.lon <= 180 and -90 <= where.lat <= 90):
            raise EmergencyInputError(
                f"lon/lat ({where.lon}, {where.lat}) is not a place on Earth",
                hint="give longitude -180..180 and latitude -90..90",
            )
        x, y = picture.to_xy(where.lon, where.lat)
        return snap(picture.graph, x, y, max_m=max_snap_m)
    raise EmergencyInputError(
        "a call needs a location", hint="give x and y, lon and lat, or an edge id"
    )


def station_spot(picture: RoadPicture, unit: Unit) -> Spot | None:
    """Where ``unit``'s station is on the live network; None when its edge is not in it."""
    edge = picture.graph.edges.get(unit.station_edge)
    if edge is None:
        return None
    return Spot(unit.station_edge, min(unit.station_pos_m, edge.length_m), *unit.station_xy)


def unit_routes(picture: RoadPicture, units: Sequence[Unit], call: Spot) -> dict[str, Route | None]:
    """The fastest live route of every available unit to ``call`` (None when none exists)."""
    routes: dict[str, Route | None] = {}
    for unit in units:
        if unit.status != AVAILABLE:
            continue
        home = station_spot(picture, unit)
        routes[unit.unit_id] = (
            None if home is None else fastest_route(picture.graph, picture.travel_s, home, call)
        )
    return routes


def etas_of(routes: Mapping[str, Route | None]) -> dict[str, float | None]:
    """ETA in seconds of each route, None where there is no route."""
    return {
        k: (None if r is None or not math.isfinite(r.eta_s) else r.eta_s) for k, r in routes.items()
    }


def cancel_outcome(call_id: int, status: str, *, on_road: bool) -> tuple[str, str]:
    """The call's and its unit's new status when an operator cancels the call.

    A call still driving is cancelled and its unit turns back (``returning``), or is available
    at once when it never left; a call on scene is closed early and its unit returns.

    Args:
        call_id: The call, for the message.
        status: The call's status now.
        on_road: Whether a twin may have the unit's vehicle out (False: it never left, or no
            twin runs in this process).

    Raises:
        CallNotOpenError: for a call that is no longer open.
    """
    if status == DISPATCHED_CALL:
        return CANCELLED, RETURNING if on_road else AVAILABLE
    if status == ON_SCENE:
        return CLOSED, RETURNING if on_road else AVAILABLE
    raise CallNotOpenError(
        f"call {call_id} is {status}, so there is nothing to cancel",
        hint="only a call whose unit is on the way or on scene can be cancelled",
    )


def cancel_note(status: str, reason: str | None) -> str:
    """The note stored on a cancelled call (or a call cleared early).

    Raises:
        EmergencyInputError: for a reason longer than ``MAX_REASON_CHARS``.
    """
    text = (reason or "").strip()
    if len(text) > MAX_REASON_CHARS:
        raise EmergencyInputError(
            f"the reason has {len(text)} characters, more than {MAX_REASON_CHARS}",
            hint="shorten the reason",
        )
    what = "cancelled by the operator" if status == DISPATCHED_CALL else "scene cleared early"
    return f"{what}: {text}" if text else what
