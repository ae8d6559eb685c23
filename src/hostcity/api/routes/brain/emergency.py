"""Routes of emergency response: units, ETA previews, dispatching calls, following them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from hostcity.api.deps import Operator, PlatformDep
from hostcity.brain.emergency.calls import CallLocation
from hostcity.brain.emergency.service import EmergencyService
from hostcity.brain.emergency.setup import SERVICE
from hostcity.core.platform import Platform

router = APIRouter(prefix="/emergency", tags=["brain: emergency"])


def _service(platform: Platform) -> EmergencyService:
    service: EmergencyService = platform.service(SERVICE)
    return service


class LocationIn(BaseModel):
    """Where a call is: x/y metres of the map, lon/lat, or an edge id (and a position on it)."""

    x: float | None = None
    y: float | None = None
    lon: float | None = None
    lat: float | None = None
    edge: str | None = Field(default=None, min_length=1, max_length=200)
    pos_m: float | None = Field(default=None, ge=0)

    def location(self) -> CallLocation:
        """The plain location."""
        return CallLocation(self.x, self.y, self.lon, self.lat, self.edge, self.pos_m)


class CallIn(LocationIn):
    """An emergency call; ``unit`` picks the unit, otherwise the fastest available one goes."""

    unit: str | None = Field(default=None, min_length=1, max_length=50)


@router.get("/units")
def list_units(_caller: Operator, platform: PlatformDep) -> dict[str, Any]:
    """Every unit with its station and status, and live position and ETA when on the road."""
    return {"units": _service(platform).units()}


@router.post("/eta")
def eta_preview(_caller: Operator, platform: PlatformDep, body: LocationIn) -> dict[str, Any]:
    """Where a call would snap to, and each available unit's ETA on live travel times."""
    return _service(platform).eta_preview(body.location())


@router.post("/calls", status_code=201)
def dispatch(caller: Operator, platform: PlatformDep, body: CallIn) -> dict[str, Any]:
    """Open a call and send the chosen unit, or the available one with the lowest live ETA."""
    return _service(platform).dispatch(body.location(), unit_id=body.unit, user_id=caller.user_id)


@router.get("/calls")
def list_calls(
    _caller: Operator, platform: PlatformDep, limit: Annotated[int, Query(ge=1, le=500)] = 50
) -> dict[str, Any]:
    """Calls, newest first."""
    return {"calls": _service(platform).calls(limit=limit)}


@router.get("/calls/{call_id}")
def get_call(_caller: Operator, platform: PlatformDep, call_id: int) -> dict[str, Any]:
    """One call, with its unit's live position, remaining route and ETA while it drives."""
    return _service(platform).call(call_id)
