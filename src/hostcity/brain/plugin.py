"""Wires the brain pillar into the platform: each feature registers services, jobs, workers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hostcity.brain.control import setup as control_setup
from hostcity.brain.emergency import setup as emergency_setup
from hostcity.brain.forecast import setup as forecast_setup
from hostcity.brain.incidents import setup as incidents_setup
from hostcity.brain.twin import setup as twin_setup

if TYPE_CHECKING:
    from hostcity.core.platform import Platform


def register(platform: Platform) -> None:
    """Register every feature of this pillar on ``platform``."""
    control_setup.register(platform)
    twin_setup.register(platform)
    forecast_setup.register(platform)
    incidents_setup.register(platform)
    emergency_setup.register(platform)
