"""Wires the replay pillar into the platform: each feature registers services, jobs, workers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hostcity.replay.clips import setup as clips_setup
from hostcity.replay.recordings import setup as recordings_setup

if TYPE_CHECKING:
    from hostcity.core.platform import Platform


def register(platform: Platform) -> None:
    """Register every feature of this pillar on ``platform``."""
    recordings_setup.register(platform)
    clips_setup.register(platform)
