"""Wires the replay pillar into the platform: services, job kinds and background workers."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hostcity.core.platform import Platform


def register(platform: Platform) -> None:
    """Register this pillar's services, jobs and workers on ``platform``."""
    del platform
