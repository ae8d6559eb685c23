"""Registers the forecast feature on the platform: services, job kinds, workers, demo seeders."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hostcity.core.platform import Platform

SERVICE = "brain.forecast"


def register(platform: Platform) -> None:
    """Add the forecast service, the training job and the demo seeder to ``platform``."""
    from hostcity.brain.forecast.adapters.model_store import models_dir
    from hostcity.brain.forecast.adapters.twin_store import StoreHistory
    from hostcity.brain.forecast.demo import seed_demo
    from hostcity.brain.forecast.service import ForecastService
    from hostcity.brain.forecast.training import JOB_KIND, train_job

    history = StoreHistory(platform.session_factory)
    platform.services[SERVICE] = ForecastService(models_dir(platform.settings), history)
    platform.jobs.registry.register(JOB_KIND, train_job)
    platform.demo_seeders.append(seed_demo)
