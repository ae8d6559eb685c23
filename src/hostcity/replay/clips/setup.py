"""Registers the clips feature on the platform: the clips service and the render job."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hostcity.replay.clips.service import JOB_KIND, SERVICE_NAME, ClipsService

if TYPE_CHECKING:
    from hostcity.core.platform import Platform


def register(platform: Platform) -> None:
    """Add the clips service and the ``replay.render`` job kind to ``platform``."""
    service = ClipsService(platform.settings, platform.session_factory)
    platform.services[SERVICE_NAME] = service
    platform.jobs.registry.register(JOB_KIND, service.run_job)
