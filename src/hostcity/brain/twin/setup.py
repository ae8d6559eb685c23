"""Registers the twin feature on the platform: services, job kinds, workers, demo seeders."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hostcity.brain.twin.service import TwinService
from hostcity.brain.twin.types import TwinStatus

if TYPE_CHECKING:
    from hostcity.core.platform import Platform

SERVICE = "brain.twin"


def register(platform: Platform) -> None:
    """Add the twin service, and the background twin when ``brain.twin_enabled`` is set."""
    brain = platform.settings.brain
    service = TwinService(platform.session_factory)
    platform.services[SERVICE] = service
    platform.demo_seeders.append(_demo_lines)
    if not brain.twin_enabled:
        return
    from hostcity.brain.twin.adapters.scenario import sumo_run_factory
    from hostcity.brain.twin.worker import TwinWorker

    service.status = TwinStatus(state="stopped", scenario=brain.scenario, speed=brain.twin_speed)
    platform.workers.append(
        TwinWorker(
            service,
            sumo_run_factory(platform.settings, hooks=service.run_hooks),
            scenario=brain.scenario,
            speed=brain.twin_speed,
            default_controller=brain.controller,
            store_every_s=brain.detector_interval_s,
        )
    )


def _demo_lines(platform: Platform) -> list[str]:
    brain = platform.settings.brain
    if not brain.twin_enabled:
        return ["City Brain twin: disabled (HOSTCITY_BRAIN__TWIN_ENABLED=false)"]
    return [
        f"City Brain twin: scenario {brain.scenario!r} at {brain.twin_speed:g}x real time, "
        f"loops on every signalised approach, read every {brain.loop_read_s:g} s and stored "
        f"every {brain.detector_interval_s:g} s simulated (open the City Brain page)"
    ]
