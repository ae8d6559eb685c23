"""iCalendar (RFC 5545) export of an agenda: UTC times, one stable UID per session."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from icalendar import Calendar, Event, vGeo

from hostcity.core.timeutil import as_utc
from hostcity.smartpass.events.agenda import AgendaItem, AgendaSession
from hostcity.smartpass.events.types import SessionStatus

PRODID = "-//HostCity//Smart Pass agenda//EN"


def session_uid(session: AgendaSession) -> str:
    """The UID of a session's calendar event; stable across re-imports and exports."""
    return f"{session.competition_id}.{session.code}@hostcity"


def agenda_to_ics(items: Sequence[AgendaItem], *, now: datetime, name: str) -> bytes:
    """The agenda as an iCalendar file (CRLF lines, folded at 75 octets, times in UTC).

    Args:
        items: The agenda, as ``build_agenda`` returns it.
        now: The export time, written as each event's DTSTAMP.
        name: The calendar's display name.
    """
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for item in items:
        calendar.add_component(_event(item, as_utc(now)))
    data: bytes = calendar.to_ical()
    return data


def _event(item: AgendaItem, now: datetime) -> Event:
    s = item.session
    event = Event()
    event.add("uid", session_uid(s))
    event.add("dtstamp", now)
    event.add("dtstart", as_utc(s.start_at))
    event.add("dtend", as_utc(s.effective_end_at))
    event.add("summary", f"{s.discipline}: {s.phase}")
    event.add("location", s.venue.name)
    if s.venue.lat is not None and s.venue.lon is not None:
        event.add("geo", vGeo((s.venue.lat, s.venue.lon)))
    cancelled = s.status is SessionStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("sequence", s.sequence)
    event.add("categories", [s.discipline])
    event.add("description", _description(item))
    return event


def _description(item: AgendaItem) -> str:
    lines = [f"{item.session.event} ({item.session.discipline})"]
    if item.session.reasons:
        lines.append("Following: " + ", ".join(item.session.reasons))
    reach = item.reach
    if reach is not None and reach.reachable is False:
        lines.append(f"Warning: you cannot get here in time from {reach.previous_venue.name}.")
    lines.extend(f"Changed ({c.kind}): {c.before} -> {c.after}" for c in item.changes)
    return "\n".join(lines)
