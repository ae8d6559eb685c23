"""Registers incident detection on the platform: the service and its webhook sender."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hostcity.brain.incidents.adapters.delivery import WebhookDispatcher
from hostcity.brain.incidents.service import IncidentService

if TYPE_CHECKING:
    from hostcity.core.platform import Platform

SERVICE = "brain.incidents"


def register(platform: Platform) -> None:
    """Add the incident service and its webhook dispatcher (a worker, started lazily)."""
    dispatcher = WebhookDispatcher()
    platform.services[SERVICE] = IncidentService(platform.session_factory, dispatcher)
    platform.workers.append(dispatcher)
    platform.demo_seeders.append(_demo_lines)


def _demo_lines(_platform: Platform) -> list[str]:
    return [
        "City Brain incidents: list, confirm and dismiss on the Incidents tab; "
        "CAP 1.2 alerts at /api/brain/incidents/{id}/cap.xml; "
        "measure with 'hostcity brain incidents-eval demo'"
    ]
