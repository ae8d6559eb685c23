"""Incident test fixtures: the feature registered on the platform and its router in the app."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from hostcity.api.app import create_app
from hostcity.brain.incidents import setup
from hostcity.core.platform import Platform
from hostcity.core.settings import Settings


@pytest.fixture
def incidents_platform(platform: Platform) -> Platform:
    """The platform with incident detection registered (until the pillar plugin does it)."""
    if setup.SERVICE not in platform.services:
        setup.register(platform)
    return platform


@pytest.fixture
def incidents_client(settings: Settings, incidents_platform: Platform) -> Iterator[TestClient]:
    """An API client whose app serves the incident routes under /api/brain."""
    from hostcity.api.routes.brain.incidents import router

    app = create_app(settings, platform=incidents_platform)
    if not any(getattr(r, "path", "") == "/api/brain/incidents" for r in app.routes):
        app.include_router(router, prefix="/api/brain")
    with TestClient(app) as client:
        yield client
