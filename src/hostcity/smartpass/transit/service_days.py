"""Service days: which services of a feed run on a date, and the span of dates it covers."""

from __future__ import annotations

from datetime import date, timedelta

from hostcity.smartpass.transit.errors import GtfsError
from hostcity.smartpass.transit.types import Feed


def service_dates(feed: Feed) -> tuple[date, date]:
    """The first and last day on which any service of ``feed`` runs.

    Raises:
        GtfsError: when no service runs on any day.
    """
    firsts: list[date] = []
    lasts: list[date] = []
    for service in feed.services.values():
        days = [d for d in service.added if d not in service.removed]
        if service.start and service.end and any(service.weekdays):
            days.extend([service.start, service.end])
        if days:
            firsts.append(min(days))
            lasts.append(max(days))
    if not firsts:
        raise GtfsError(
            f"GTFS feed {feed.name} runs no service on any day",
            where="calendar.txt",
            hint="check the calendar files' dates and weekdays",
        )
    return min(firsts), max(lasts)


def active_services(feed: Feed, day: date) -> set[str]:
    """The service ids that run on ``day`` (calendar weekdays plus exceptions)."""
    active: set[str] = set()
    for service in feed.services.values():
        runs = (
            service.start is not None
            and service.end is not None
            and service.start <= day <= service.end
            and service.weekdays[day.weekday()]
        )
        if day in service.added:
            runs = True
        if day in service.removed:
            runs = False
        if runs:
            active.add(service.service_id)
    return active


def previous_day(day: date) -> date:
    """The day before ``day`` (trips after midnight belong to it)."""
    return day - timedelta(days=1)
