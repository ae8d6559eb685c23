"""Registers the events feature on the platform: services, job kinds, workers, demo seeders."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from hostcity.smartpass.events.travel import TravelModel

if TYPE_CHECKING:
    from hostcity.core.platform import Platform

SERVICE = "events"


@dataclass
class EventsService:
    """What the events feature keeps on the platform: the travel model agendas use."""

    travel_model: TravelModel = field(default_factory=TravelModel)


def register(platform: Platform) -> None:
    """Add this feature's services, jobs, workers and demo seeders to ``platform``."""
    from hostcity.smartpass.events.demo import seed_demo_event

    platform.services[SERVICE] = EventsService()
    platform.demo_seeders.append(seed_demo_event)
