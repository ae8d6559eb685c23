"""Shared fixtures: settings in a temporary data dir, an opened platform, an API client, tokens."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from hostcity.api.app import create_app
from hostcity.core.auth import Role, create_user
from hostcity.core.db import session_scope
from hostcity.core.platform import Platform, open_platform
from hostcity.core.settings import Settings, load_settings

TEST_SECRET = "test-secret-key-0123456789abcdef"
pytest_plugins = ["tests.browser_harness", "tests.mqtt_harness"]


@pytest.fixture(autouse=True)
def _fail_on_error_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """A test fails when the code logs at ERROR unexpectedly."""
    yield
    errors = [r for r in caplog.get_records("call") if r.levelno >= logging.ERROR]
    if errors and not getattr(caplog, "errors_expected", False):
        pytest.fail("unexpected ERROR log: " + "; ".join(r.getMessage() for r in errors))


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings on a fresh data directory and SQLite database; no live twin."""
    for key in list(os.environ):
        if key.startswith("HOSTCITY_") and not key.startswith("HOSTCITY_TEST_"):
            monkeypatch.delenv(key)
    return load_settings(
        data_dir=tmp_path / "data",
        secret_key=TEST_SECRET,
        brain={"twin_enabled": False},
    )


@pytest.fixture
def platform(settings: Settings) -> Iterator[Platform]:
    """An opened platform: database migrated, pillars registered, workers not started."""
    opened = open_platform(settings)
    yield opened
    opened.close()


@pytest.fixture
def client(settings: Settings, platform: Platform) -> Iterator[TestClient]:
    """An API client on the platform (runs the app's lifespan)."""
    with TestClient(create_app(settings, platform=platform)) as test_client:
        yield test_client


@pytest.fixture
def tokens(platform: Platform) -> dict[str, str]:
    """One token per role: 'operator', 'fan', and 'gate' (bound to venue 'venue-1')."""
    return role_tokens(platform)


def role_tokens(platform: Platform) -> dict[str, str]:
    """Create one user per role on ``platform``; their tokens by role name."""
    made: dict[str, str] = {}
    with session_scope(platform.session_factory) as session:
        for role, venue in ((Role.OPERATOR, None), (Role.FAN, None), (Role.GATE, "venue-1")):
            made[role.value] = create_user(
                session, name=f"test {role.value}", role=role, venue_id=venue
            ).token
    return made


def auth(token: str) -> dict[str, str]:
    """Headers for a bearer token."""
    return {"Authorization": f"Bearer {token}"}


POSTGRES_ENV = "HOSTCITY_TEST_DATABASE_URL"
_postgres_outcomes: list[str] = []


def _database_params() -> list[object]:
    params: list[object] = [pytest.param("sqlite", id="sqlite")]
    if os.environ.get(POSTGRES_ENV):
        params.append(pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres))
    return params


@pytest.fixture(params=_database_params())
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A clean database: SQLite in tmp, or PostgreSQL when HOSTCITY_TEST_DATABASE_URL is set."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    url = os.environ[POSTGRES_ENV]
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    yield url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """A migrated engine on the clean database of ``database_url`` (SQLite and PostgreSQL)."""
    from hostcity.core.db import create_db_engine
    from hostcity.core.migrate import upgrade

    eng = create_db_engine(database_url)
    upgrade(eng)
    yield eng
    eng.dispose()


_real_feed_outcomes: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Count the PostgreSQL and real-feed tests that really ran, for the summary lines."""
    if report.when == "call" and "postgresql" in report.nodeid:
        _postgres_outcomes.append(report.outcome)
    if report.when == "call" and "real_feed" in report.keywords:
        _real_feed_outcomes.append(report.outcome)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say how many storage tests ran on PostgreSQL, so CI output proves it."""
    ran = len(_postgres_outcomes)
    passed = _postgres_outcomes.count("passed")
    if os.environ.get(POSTGRES_ENV):
        terminalreporter.write_line(f"PostgreSQL storage tests: {ran} ran, {passed} passed")
    else:
        terminalreporter.write_line(
            f"PostgreSQL storage tests: 0 ran ({POSTGRES_ENV} not set; SQLite only)"
        )
    feeds = "HOSTCITY_TEST_GTFS_FEEDS"
    terminalreporter.write_line(
        f"Real GTFS feed tests: {len(_real_feed_outcomes)} ran, "
        f"{_real_feed_outcomes.count('passed')} passed"
        + ("" if os.environ.get(feeds) else f" ({feeds} not set)")
    )
