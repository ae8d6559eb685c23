"""Routes of emergency response: units, ETA previews, dispatching, following, cancelling calls."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import Field

from hostcity.api.deps import Operator, PlatformDep, RowId
from hostcity.api.inputs import InputModel, Latitude, Longitude
from hostcity.brain.emergency.calls import MAX_REASON_CHARS, CallLocation, RoadPicture
from hostcity.brain.emergency.service import EmergencyService
from hostcity.brain.emergency.setup import SERVICE
from hostcity.core.platform import Platform

router = APIRouter(prefix="/emergency", tags=["brain: emergency"])


def _service(platform: Platform) -> EmergencyService:
    service: EmergencyService = platform.service(SERVICE)
    return service


class LocationIn(InputModel):
    """Where a call is: x/y metres of the map, lon/lat, or an edge id (and a position on it)."""

    x: float | None = None
    y: float | None = None
    lon: Longitude = None
    lat: Latitude = None
    edge: str | None = Field(default=None, min_length=1, max_length=200)
    pos_m: float | None = Field(default=None, ge=0)

    def location(self) -> CallLocation:
        """The plain location."""
        return CallLocation(self.x, self.y, self.lon, self.lat, self.edge, self.pos_m)


class CallIn(LocationIn):
    """An emergency call; ``unit`` picks the unit, otherwise the fastest available one goes."""

    unit: str | None = Field(default=None, min_length=1, max_length=50)
    note: str | None = Field(
        default=None, max_length=200, description="what the call is about, e.g. 'incident 12'"
    )


class UnitIn(LocationIn):
    """A unit and its station (x/y, lon/lat or an edge, snapped to the roads as calls are)."""

    id: str = Field(min_length=1, max_length=50)
    kind: str = Field(min_length=1, max_length=20)
    name: str | None = Field(default=None, max_length=200)


class CancelIn(InputModel):
    """Why the call is cancelled (kept in the call's note)."""

    reason: str | None = Field(default=None, max_length=MAX_REASON_CHARS)


def _roads(platform: Platform) -> RoadPicture:
    """The live roads when the twin runs, else the scenario's network at free flow."""
    service = _service(platform)
    if service.ready():
        return service.picture()
    from hostcity.brain.emergency.adapters.roads import scenario_picture

    return scenario_picture(platform.settings)


@router.get("/units")
def list_units(_caller: Operator, platform: PlatformDep) -> dict[str, Any]:
    """Every unit with its station and status, and live position and ETA when on the road."""
    return {"units": _service(platform).units()}


@router.post("/units")
def save_unit(
    _caller: Operator, platform: PlatformDep, body: UnitIn, response: Response
) -> dict[str, Any]:
    """Create (201) or update (200) a unit; its station must be on a road units may use."""
    unit, created = _service(platform).save_unit(
        _roads(platform), body.id, body.kind, body.name, body.location()
    )
    response.status_code = 201 if created else 200
    return unit


@router.delete("/units/{unit_id}")
def delete_unit(_caller: Operator, platform: PlatformDep, unit_id: str) -> dict[str, Any]:
    """Remove a unit; refused (409) while it is on a call or returning."""
    _service(platform).remove_unit(unit_id)
    return {"deleted": unit_id}


@router.post("/eta")
def eta_preview(_caller: Operator, platform: PlatformDep, body: LocationIn) -> dict[str, Any]:
    """Where a call would snap to, and each available unit's ETA on live travel times."""
    return _service(platform).eta_preview(body.location())


@router.post("/calls", status_code=201)
def dispatch(caller: Operator, platform: PlatformDep, body: CallIn) -> dict[str, Any]:
    """Open a call and send the chosen unit, or the available one with the lowest live ETA."""
    return _service(platform).dispatch(
        body.location(), unit_id=body.unit, user_id=caller.user_id, note=body.note
    )


@router.get("/calls")
def list_calls(
    _caller: Operator, platform: PlatformDep, limit: Annotated[int, Query(ge=1, le=500)] = 50
) -> dict[str, Any]:
    """Calls, newest first."""
    return {"calls": _service(platform).calls(limit=limit)}


@router.get("/calls/{call_id}")
def get_call(_caller: Operator, platform: PlatformDep, call_id: RowId) -> dict[str, Any]:
    """One call, with its unit's live position, remaining route and ETA while it drives."""
    return _service(platform).call(call_id)


@router.post("/calls/{call_id}/cancel")
def cancel_call(
    caller: Operator, platform: PlatformDep, call_id: RowId, body: CancelIn | None = None
) -> dict[str, Any]:
    """Cancel a call on the way (its unit turns back) or clear a scene early (the unit returns)."""
    reason = body.reason if body else None
    return _service(platform).cancel(call_id, reason=reason, user_id=caller.user_id)
