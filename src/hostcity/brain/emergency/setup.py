"""Registers the emergency feature: the service, its hook in the live twin, the demo units."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hostcity.brain.emergency.service import EmergencyService

if TYPE_CHECKING:
    from hostcity.core.platform import Platform

SERVICE = "brain.emergency"
TWIN_SERVICE = "brain.twin"


def register(platform: Platform) -> None:
    """Add the emergency service, hook it into the live twin's runs, and seed demo units."""
    from hostcity.brain.emergency.adapters.live import EmergencyTwinHook

    service = EmergencyService(platform.session_factory)
    platform.services[SERVICE] = service
    twin = platform.services.get(TWIN_SERVICE)
    if twin is not None:
        twin.run_hooks.append(EmergencyTwinHook(service))
    platform.demo_seeders.append(_seed_demo)


def _seed_demo(platform: Platform) -> list[str]:
    from hostcity.brain.emergency.demo import seed_demo_units

    return seed_demo_units(platform)
