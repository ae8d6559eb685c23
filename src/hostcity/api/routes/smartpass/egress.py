"""Routes of the egress feature: venue plans, crowd counts, the way out of a section."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body

from hostcity.api.deps import AnyUser, Operator, PlatformDep, SessionDep
from hostcity.core.auth import Role
from hostcity.core.errors import ForbiddenError
from hostcity.smartpass.egress.service import EgressService

router = APIRouter(tags=["smartpass: egress"])


def _service(platform: PlatformDep) -> EgressService:
    service: EgressService = platform.service("egress")
    return service


@router.get("/venue-plans")
def venue_plans(platform: PlatformDep, _user: AnyUser) -> list[dict[str, str]]:
    """The venues that have a plan for egress routing."""
    return [{"id": v.id, "name": v.name} for v in _service(platform).venues().values()]


@router.get("/venues/{venue_id}/plan")
def venue_plan(venue_id: str, platform: PlatformDep, _user: AnyUser) -> dict[str, Any]:
    """The venue's areas and links, to draw its plan."""
    return _service(platform).venue(venue_id).to_dict()


@router.get("/venues/{venue_id}/exit")
def exit_route(
    venue_id: str, section: str, platform: PlatformDep, session: SessionDep, _user: AnyUser
) -> dict[str, Any]:
    """The quickest way out of ``section`` given the live crowd, queues at bottlenecks included."""
    return _service(platform).exit_route(session, venue_id, section)


@router.put("/venues/{venue_id}/crowd")
def record_crowd(
    venue_id: str,
    platform: PlatformDep,
    session: SessionDep,
    principal: AnyUser,
    counts: dict[str, int] = Body(description="people per area id"),
) -> dict[str, Any]:
    """Record head counts per area (operators, or the venue's own gate devices)."""
    allowed = principal.role is Role.OPERATOR or (
        principal.role is Role.GATE and principal.venue_id == venue_id
    )
    if not allowed:
        raise ForbiddenError(
            "only operators and this venue's gate devices may report crowd counts",
            hint="use an operator token or a gate token bound to this venue",
        )
    _service(platform).record_counts(session, venue_id, counts)
    return {"venue": venue_id, "recorded": len(counts)}


@router.get("/venues/{venue_id}/crowd")
def crowd(
    venue_id: str, platform: PlatformDep, session: SessionDep, _user: Operator
) -> dict[str, int]:
    """People per area now (operators)."""
    service = _service(platform)
    return service.crowd(session, service.venue(venue_id))
