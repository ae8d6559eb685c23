"""Wires the smartpass pillar into the platform: each feature registers services, jobs, workers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hostcity.smartpass.egress import setup as egress_setup
from hostcity.smartpass.events import setup as events_setup
from hostcity.smartpass.faces import setup as faces_setup
from hostcity.smartpass.transit import setup as transit_setup

if TYPE_CHECKING:
    from hostcity.core.platform import Platform


def register(platform: Platform) -> None:
    """Register every feature of this pillar on ``platform``."""
    faces_setup.register(platform)
    events_setup.register(platform)
    egress_setup.register(platform)
    transit_setup.register(platform)
