"""Routes of the events feature: athletes, schedules, follows, and the fan's agenda."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import Field

from hostcity.api.deps import AnyUser, Fan, PlatformDep, RowId, SessionDep
from hostcity.api.inputs import InputModel
from hostcity.core.timeutil import utcnow
from hostcity.smartpass.agenda_trips import suggest_trip
from hostcity.smartpass.events import service
from hostcity.smartpass.events.adapters import store
from hostcity.smartpass.events.agenda import item_to_dict
from hostcity.smartpass.events.setup import SERVICE, EventsService
from hostcity.smartpass.events.travel import TravelModel

router = APIRouter(tags=["smartpass: events"])


class FollowIn(InputModel):
    """What to follow: an athlete or event by id, or a team by NOC code."""

    kind: str = Field(description="athlete, noc or event")
    target: str | int = Field(description="athlete id, event id, or NOC code such as ITA")


def _travel_model(platform: PlatformDep) -> TravelModel:
    feature: EventsService = platform.service(SERVICE)
    return feature.travel_model


@router.get("/competitions")
def competitions(session: SessionDep, _user: AnyUser) -> list[dict[str, Any]]:
    """Every imported competition."""
    return [
        {
            "id": c.id,
            "name": c.name,
            "timezone": c.timezone,
            "imported_at": c.imported_at.isoformat(),
        }
        for c in store.list_competitions(session)
    ]


@router.get("/athletes")
def athletes(
    session: SessionDep,
    _user: AnyUser,
    *,
    q: str = "",
    noc: str | None = None,
    discipline: str | None = None,
    competition: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[dict[str, Any]]:
    """Search athletes by name (accent- and case-insensitive), NOC or discipline."""
    return service.search_athletes(
        session, query=q, noc=noc, discipline=discipline, competition=competition, limit=limit
    )


@router.get("/athletes/{athlete_id}")
def athlete(athlete_id: RowId, session: SessionDep, _user: AnyUser) -> dict[str, Any]:
    """One athlete and the events they are entered in."""
    return service.get_athlete(session, athlete_id)


@router.get("/events")
def events(
    session: SessionDep, _user: AnyUser, competition: str | None = None
) -> list[dict[str, Any]]:
    """Every medal event (discipline and event), to follow one."""
    return [service.event_dict(e) for e in store.list_events(session, competition)]


@router.get("/venues")
def venues(
    session: SessionDep, _user: AnyUser, competition: str | None = None
) -> list[dict[str, Any]]:
    """Every venue with its time zone and coordinates."""
    return [service.venue_dict(v) for v in store.list_venues(session, competition)]


@router.get("/venues/{venue_id}")
def venue(venue_id: RowId, session: SessionDep, _user: AnyUser) -> dict[str, Any]:
    """One venue."""
    return service.venue_dict(store.venue_row(session, venue_id))


@router.get("/sessions/{session_id}")
def schedule_session(session_id: RowId, session: SessionDep, _user: AnyUser) -> dict[str, Any]:
    """One session, with UTC and venue-local times."""
    return service.get_session(session, session_id)


@router.get("/follows")
def follows(session: SessionDep, fan: Fan) -> list[dict[str, Any]]:
    """What the caller follows."""
    return service.list_follows(session, fan.user_id)


@router.post("/follows", status_code=201)
def follow(body: FollowIn, session: SessionDep, fan: Fan) -> dict[str, Any]:
    """Follow an athlete, a team (NOC) or an event; following twice is harmless."""
    return service.follow(session, fan.user_id, body.kind, str(body.target))


@router.delete("/follows/{kind}/{target}", status_code=204)
def unfollow(kind: str, target: str, session: SessionDep, fan: Fan) -> Response:
    """Stop following."""
    service.unfollow(session, fan.user_id, kind, target)
    return Response(status_code=204)


@router.get("/agenda")
def agenda(
    session: SessionDep,
    platform: PlatformDep,
    fan: Fan,
    trips: Annotated[bool, Query(description="false: no suggested trips (none planned)")] = True,
) -> dict[str, Any]:
    """Every session of what the caller follows, in order, with reachability and changes."""
    model = _travel_model(platform)
    items = [item_to_dict(i) for i in service.agenda(session, fan.user_id, model)]
    if trips:  # a journey is planned per session: callers that only list them skip it
        transit = platform.service("transit")
        for item in items:
            item["trip"] = suggest_trip(transit, session, item)
    return {
        "items": items,
        "changed": sum(1 for i in items if i["changes"]),
        "unreachable": sum(1 for i in items if i["reachable"] is False),
        "travel_model": model.__dict__,
    }


@router.post("/agenda/seen")
def agenda_seen(session: SessionDep, fan: Fan) -> dict[str, int]:
    """Acknowledge the changes shown in the agenda."""
    return {"marked": service.mark_seen(session, fan.user_id)}


@router.get("/agenda.ics")
def agenda_ics(session: SessionDep, platform: PlatformDep, fan: Fan) -> Response:
    """The caller's agenda as an iCalendar (RFC 5545) file."""
    body = service.agenda_ics(session, fan.user_id, _travel_model(platform), now=utcnow())
    return Response(
        content=body,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="hostcity-agenda.ics"'},
    )
