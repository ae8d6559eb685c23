"""Wires the replay pillar into the platform: each feature registers its services, jobs and workers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hostcity.replay.studio import setup as studio_setup

if TYPE_CHECKING:
    from hostcity.core.platform import Platform


def register(platform: Platform) -> None:
    """Register every feature of this pillar on ``platform``."""
    studio_setup.register(platform)
