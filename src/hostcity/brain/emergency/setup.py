"""Registers the emergency feature on the platform (nothing to register yet in this slice)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hostcity.core.platform import Platform


def register(platform: Platform) -> None:
    """Add the emergency feature's services; none yet, the evaluation runs from the CLI."""
    del platform
