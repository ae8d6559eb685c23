"""Registers the forecast feature on the platform: services, job kinds, workers, demo seeders."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hostcity.core.platform import Platform

SERVICE = "brain.forecast"


def register(platform: Platform) -> None:
    """Add the forecast service, the training and demo jobs and the demo seeder to ``platform``."""
    from hostcity.brain.forecast import demo
    from hostcity.brain.forecast.adapters.history_child import HistoryChildren
    from hostcity.brain.forecast.adapters.model_store import models_dir
    from hostcity.brain.forecast.adapters.twin_store import StoreHistory
    from hostcity.brain.forecast.service import ForecastService
    from hostcity.brain.forecast.training import JOB_KIND, train_job

    history = StoreHistory(platform.session_factory)
    platform.services[SERVICE] = ForecastService(models_dir(platform.settings), history)
    platform.jobs.registry.register(JOB_KIND, train_job)
    children = HistoryChildren()  # a worker only so that stopping the platform ends them
    platform.workers.append(children)
    platform.jobs.registry.register(demo.JOB_KIND, demo.DemoForecastJob(children))
    platform.demo_seeders.append(demo.seed_demo)
