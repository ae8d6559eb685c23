"""Registers the recordings feature on the platform: services, job kinds, workers, demo seeders."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session, sessionmaker

from hostcity.core.db import session_scope
from hostcity.replay.recordings import demo, jobs, service
from hostcity.replay.recordings.highlights import Highlight
from hostcity.replay.types import CameraSet

if TYPE_CHECKING:
    from hostcity.core.platform import Platform

SERVICE_NAME = "replay.recordings"


@dataclass(frozen=True)
class Recordings:
    """Camera sets for other features, each call in its own unit of work."""

    session_factory: sessionmaker[Session]
    media_dir: Path

    def get_set(self, name_or_id: str | int) -> CameraSet:
        """The set named ``name_or_id`` (NotFoundError when unknown)."""
        with session_scope(self.session_factory) as session:
            return service.get_set(session, name_or_id)

    def list_sets(self) -> list[CameraSet]:
        """Every registered set."""
        with session_scope(self.session_factory) as session:
            return service.list_sets(session)

    def highlights(self, name_or_id: str | int, *, top: int = 10) -> list[Highlight]:
        """The best moments of a set."""
        with session_scope(self.session_factory) as session:
            return service.highlights(session, name_or_id, top=top)


def register(platform: Platform) -> None:
    """Add this feature's services, jobs, workers and demo seeders to ``platform``."""
    platform.services[SERVICE_NAME] = Recordings(
        platform.session_factory, platform.settings.media_dir
    )
    platform.jobs.registry.register(jobs.IMPORT_KIND, jobs.import_set_job)
    platform.demo_seeders.append(demo.seed_demo)
