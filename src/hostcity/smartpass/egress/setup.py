"""Registers the egress feature: the venue plan service."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hostcity.smartpass.egress.service import EgressService

if TYPE_CHECKING:
    from hostcity.core.platform import Platform


def register(platform: Platform) -> None:
    """Add the egress service to ``platform``."""
    platform.services["egress"] = EgressService(platform.settings)
