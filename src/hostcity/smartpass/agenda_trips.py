"""Joins the fan's agenda to door-to-door trips: a suggested trip from the previous place."""

from __future__ import annotations

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


def suggest_trip(
    transit: TransitService, session: Session, item: dict[str, Any]
) -> dict[str, Any] | None:
    """The quickest journey from the previous session's venue to this one, leaving at its end.

    Returns None for the first session of the agenda (no previous place is known), and a
    dict with an ``error`` when no imported feed serves the two places or the date.
    """
    previous, venue = item.get("previous_place"), item.get("venue") or {}
    if not previous or previous.get("lat") is None or venue.get("lat") is None:
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
