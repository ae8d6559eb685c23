"""Fixtures of the clips tests: a small synthetic camera set and a platform that can see it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from hostcity.core.errors import NotFoundError
from hostcity.core.platform import Platform
from hostcity.replay.clips.service import SERVICE_NAME, ClipsService
from hostcity.replay.types import CameraSet
from tests.replay.clips.media import make_camera_set


@pytest.fixture(scope="session")
def camera_set(tmp_path_factory: pytest.TempPathFactory) -> CameraSet:
    """Three 8 s cameras (480x270, 25 fps) at offsets 0, 0.4 and 0.8 s, with an action track."""
    return make_camera_set(tmp_path_factory.mktemp("footage"))


def fake_resolver(cameras: CameraSet) -> Callable[[Session, str], CameraSet]:
    """A set lookup that knows only ``cameras`` (the recordings feature is tested elsewhere)."""

    def resolve(_session: Session, name: str) -> CameraSet:
        if name in (cameras.name, str(cameras.id)):
            return cameras
        raise NotFoundError(f"no camera set {name!r}", hint="list sets with 'hostcity replay sets'")

    return resolve


@pytest.fixture
def clips_service(platform: Platform, camera_set: CameraSet) -> ClipsService:
    """The platform's clips service, looking sets up in the synthetic footage only."""
    service: ClipsService = platform.service(SERVICE_NAME)
    service.resolve_set = fake_resolver(camera_set)
    return service


@pytest.fixture
def footage_dir(camera_set: CameraSet) -> Path:
    """Where the synthetic footage lives."""
    return camera_set.cameras[0].path.parent
