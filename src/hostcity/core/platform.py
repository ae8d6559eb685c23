"""The running platform: settings, storage, jobs, and each pillar's services, built once."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from hostcity.core.db import check_connection, create_db_engine, make_session_factory
from hostcity.core.jobs import JobRegistry, JobService
from hostcity.core.migrate import upgrade
from hostcity.core.settings import Settings, ensure_data_dir

log = logging.getLogger(__name__)

PILLAR_PLUGINS = ("hostcity.brain.plugin", "hostcity.smartpass.plugin", "hostcity.replay.plugin")


class BackgroundWorker(Protocol):
    """Something that runs beside the server, such as the live traffic twin."""

    name: str

    def start(self) -> None:
        """Start working in the background; must return quickly."""

    def stop(self) -> None:
        """Stop and release resources."""


@dataclass
class Platform:
    """Everything a request, a job or a CLI command needs, passed down explicitly."""

    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    jobs: JobService
    services: dict[str, Any] = field(default_factory=dict)
    workers: list[BackgroundWorker] = field(default_factory=list)
    demo_seeders: list[Callable[[Platform], list[str]]] = field(default_factory=list)

    def service(self, name: str) -> Any:
        """A pillar service registered under ``name``."""
        return self.services[name]

    def seed_demo(self) -> list[str]:
        """Load each pillar's demo data; returns lines to show the user."""
        lines: list[str] = []
        for seeder in self.demo_seeders:
            lines.extend(seeder(self))
        return lines

    def start_workers(self) -> None:
        """Start every background worker."""
        for worker in self.workers:
            log.info("starting %s", worker.name)
            worker.start()

    def close(self) -> None:
        """Stop workers and jobs, and release the database."""
        for worker in reversed(self.workers):
            worker.stop()
        self.jobs.shutdown()
        self.engine.dispose()


def open_platform(
    settings: Settings, *, migrate: bool = True, recover_jobs: bool = True
) -> Platform:
    """Create the data directory, connect and migrate the database, and load the pillars.

    Args:
        settings: The settings.
        migrate: Bring the database schema up to date first.
        recover_jobs: Mark jobs a stopped server left queued or running as failed. A server
            does this when it starts; a CLI command must not, since a server may be running
            those jobs right now on the same database.

    Raises:
        ConfigError: for an unusable data directory or database URL.
        StorageError: when the database cannot be reached or migrated.
    """
    ensure_data_dir(settings)
    settings.media_dir.mkdir(parents=True, exist_ok=True)
    engine = create_db_engine(settings.resolved_database_url)
    check_connection(engine)
    if migrate:
        upgrade(engine)
    session_factory = make_session_factory(engine)
    registry = JobRegistry()
    platform = Platform(
        settings, engine, session_factory, JobService(settings, session_factory, registry)
    )
    for module_name in PILLAR_PLUGINS:
        module = importlib.import_module(module_name)
        module.register(platform)
    if recover_jobs:
        interrupted = platform.jobs.recover_interrupted()
        if interrupted:
            log.warning("marked %d interrupted job(s) as failed", interrupted)
    return platform
