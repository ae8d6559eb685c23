"""Registers the recordings feature on the platform: services, job kinds, workers, demo seeders."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hostcity.core.platform import Platform


def register(platform: Platform) -> None:
    """Add this feature's services, jobs, workers and demo seeders to ``platform``."""
    del platform
