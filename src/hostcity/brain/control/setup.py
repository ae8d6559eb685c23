"""Registers the control feature on the platform: services, job kinds, workers, demo seeders."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hostcity.core.platform import Platform

SERVICE = "brain.control"


def register(platform: Platform) -> None:
    """Add the control service, the ``brain.evaluate`` job and the demo seeder."""
    from hostcity.brain.control.service import EVALUATE_JOB, ControlService, evaluate_job

    platform.services[SERVICE] = ControlService(platform.settings)
    platform.jobs.registry.register(EVALUATE_JOB, evaluate_job)
    platform.demo_seeders.append(seed_demo)


def seed_demo(platform: Platform) -> list[str]:
    """Build the demo city's network and demand once, so the twin and evaluations start fast."""
    from hostcity.brain.control.scenario import load_scenario
    from hostcity.brain.control.service import workdir

    scenario = load_scenario(
        "demo", workdir(platform.settings), seed=platform.settings.brain.seed, check=False
    )
    return [
        f"City Brain: demo city ready ({scenario.net_file.name}, demand in "
        f"{scenario.route_files[0].name}, {scenario.begin_s:g}-{scenario.end_s:g} s)",
        "  evaluate a controller: hostcity brain evaluate demo --controller hostcity --seeds 1",
    ]
