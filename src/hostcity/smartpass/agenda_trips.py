"""Joins the fan's agenda to door-to-door trips: a suggested trip from the previous place."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

from sqlalchemy.orm import Session

from hostcity.core.errors import HostCityError
from hostcity.core.timeutil import parse_iso
from hostcity.smartpass.transit.service import TransitService
from hostcity.smartpass.transit.types import LatLon


def trip_link(origin: LatLon, destination: LatLon, depart_iso: str) -> str:
    """The web UI's Trips tab, prefilled with this trip."""
    parts = (f"{origin.lat},{origin.lon}", f"{destination.lat},{destination.lon}", depart_iso)
    return "#/pass/trips/" + "/".join(quote(p, safe=",:+-.") for p in parts)


def same_local_day(left_at_iso: str, start_local_iso: str) -> bool:
    """Whether leaving at ``left_at_iso`` is on the day of ``start_local_iso``, in its zone."""
    start = datetime.fromisoformat(start_local_iso)  # keeps the venue's offset
    return parse_iso(left_at_iso).astimezone(start.tzinfo).date() == start.date()


def suggest_trip(
    transit: TransitService, session: Session, item: dict[str, Any]
) -> dict[str, Any] | None:
    """The quickest journey from the previous session's venue to this one, leaving at its end.

    Returns None where no trip is worth suggesting: the first session of the agenda (no
    previous place is known), a session at the previous one's venue, and the first session of
    a day (the fan did not stay at yesterday's venue overnight). Returns a dict with an
    ``error`` when no imported feed serves the two places or the date.
    """
    previous, venue = item.get("previous_place"), item.get("venue") or {}
    if not previous or previous.get("lat") is None or venue.get("lat") is None:
        return None
    if previous.get("id") == venue.get("id") or not same_local_day(
        previous["left_at"], item["start_local"]
    ):
        return None
    origin = LatLon(float(previous["lat"]), float(previous["lon"]))
    destination = LatLon(float(venue["lat"]), float(venue["lon"]))
    link = trip_link(origin, destination, previous["left_at"])
    try:
        plan = transit.journeys(session, origin, destination, parse_iso(previous["left_at"]))
    except HostCityError as exc:
        return {"error": exc.message, "link": link}
    journeys = plan.get("journeys") or []
    if not journeys:
        return {"error": "no journey found", "link": link}
    best = min(journeys, key=lambda j: j["arrive"])
    return {
        "depart": best["depart"],
        "arrive": best["arrive"],
        "transfers": best["transfers"],
        "modes": [leg["mode"] for leg in best["legs"]],
        "link": link,
    }
