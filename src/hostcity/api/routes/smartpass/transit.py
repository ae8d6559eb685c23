"""Routes of the transit feature: imported feeds and door-to-door journeys."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Query, UploadFile

from hostcity.api.deps import AnyUser, Operator, PlatformDep, SessionDep
from hostcity.core.timeutil import utcnow
from hostcity.smartpass.transit.service import (
    TransitService,
    parse_depart,
    parse_point,
)

router = APIRouter(tags=["smartpass: transit"])


def _service(platform: PlatformDep) -> TransitService:
    service: TransitService = platform.service("transit")
    return service


@router.get("/journeys")
def journeys(
    _user: AnyUser,
    session: SessionDep,
    platform: PlatformDep,
    origin: Annotated[str, Query(alias="from", description="lat,lon")],
    destination: Annotated[str, Query(alias="to", description="lat,lon")],
    depart: Annotated[str | None, Query(description="ISO-8601; default now")] = None,
) -> dict[str, Any]:
    """Door-to-door journeys: the earliest arrival and the Pareto set over transfers."""
    when = parse_depart(depart) if depart else utcnow()
    return _service(platform).journeys(
        session, parse_point(origin, "from"), parse_point(destination, "to"), when
    )


@router.get("/feeds")
def feeds(_user: AnyUser, session: SessionDep, platform: PlatformDep) -> list[dict[str, Any]]:
    """The imported GTFS feeds with their areas and service dates."""
    return _service(platform).feeds(session)


@router.get("/feeds/{feed_id}/stops")
def feed_stops(
    feed_id: str, _user: AnyUser, session: SessionDep, platform: PlatformDep
) -> list[dict[str, Any]]:
    """The stops of one imported feed."""
    return _service(platform).stops(session, feed_id)


@router.get("/feeds/{feed_id}/map")
def feed_map(
    feed_id: str, _user: AnyUser, session: SessionDep, platform: PlatformDep
) -> dict[str, Any]:
    """A feed's lines (stop to stop, busiest first) and the streets its walks follow."""
    return _service(platform).line_map(session, feed_id)


@router.post("/feeds", status_code=201)
def import_feed(
    _user: Operator,
    session: SessionDep,
    platform: PlatformDep,
    file: Annotated[UploadFile, File(description="a GTFS .zip")],
) -> dict[str, Any]:
    """Validate and import a GTFS zip; a feed of the same name is replaced."""
    name = Path(file.filename or "feed.zip").stem
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{name}.zip"
        with path.open("wb") as out:
            while chunk := file.file.read(1 << 20):
                out.write(chunk)
        return _service(platform).import_feed(session, path, name=name)
