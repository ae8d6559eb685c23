"""Stored observations keep greenTime and occupiedNow, and the migration adds their columns."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import Engine, inspect, text

from hostcity.brain.twin.adapters import store
from hostcity.brain.twin.service import TwinService
from hostcity.brain.twin.types import Observation
from hostcity.core.db import create_db_engine, make_session_factory, session_scope
from hostcity.core.migrate import alembic_config, upgrade
from hostcity.core.platform import Platform
from tests.brain.twin.entities import entity
from tests.conftest import auth

SIGNAL_FIELDS = {"green_s", "occupied_now"}


def _service(platform: Platform) -> TwinService:
    service: TwinService = platform.service("brain.twin")
    return service


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param({"greenTime": 42.5, "occupiedNow": True}, (42.5, True), id="both"),
        pytest.param({"greenTime": 0, "occupiedNow": False}, (0.0, False), id="zero-and-false"),
        pytest.param({"occupiedNow": False}, (None, False), id="occupied-only"),
        pytest.param({}, (None, None), id="neither"),
    ],
)
def test_ingested_signal_fields_come_back_from_the_store(
    platform: Platform, changes: dict[str, Any], expected: tuple[float | None, bool | None]
) -> None:
    service = _service(platform)
    service.ingest([entity("loop-1", **changes)], source="twin")
    [recent] = service.recent(detector_id="loop-1")
    assert (recent.green_s, recent.occupied_now) == expected
    [latest] = [row["latest"] for row in service.detector_list() if row["id"] == "loop-1"]
    assert (latest["green_s"], latest["occupied_now"]) == expected


def test_the_api_serves_the_stored_signal_fields(
    client: TestClient, tokens: dict[str, str]
) -> None:
    batch = [entity("with", greenTime=12.0, occupiedNow=True), entity("without")]
    posted = client.post("/api/brain/observations", json=batch, headers=auth(tokens["operator"]))
    assert posted.status_code == 201
    response = client.get("/api/brain/observations", headers=auth(tokens["fan"]))
    assert response.status_code == 200
    found = {o["detector_id"]: o for o in response.json()["observations"]}
    assert (found["with"]["green_s"], found["with"]["occupied_now"]) == (12.0, True)
    assert (found["without"]["green_s"], found["without"]["occupied_now"]) == (None, None)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    eng = create_db_engine(database_url)
    yield eng
    eng.dispose()


def _alembic(engine: Engine, action: str, revision: str) -> None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, action)(config, revision)


def _columns(engine: Engine) -> set[str]:
    return {c["name"] for c in inspect(engine).get_columns("twin_observations")}


def test_the_migration_adds_the_columns_to_a_database_with_rows(engine: Engine) -> None:
    _alembic(engine, "upgrade", "twin_0001")
    assert not SIGNAL_FIELDS & _columns(engine)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO twin_observations (detector_id, observed_from, observed_to, "
                "intensity_veh, occupancy, source, received_at) "
                "VALUES ('old-loop', :t, :t, 4, 0.2, 'twin', :t)"
            ),
            {"t": datetime(2026, 2, 10, 8, 0)},
        )
    upgrade(engine)
    assert _columns(engine) >= SIGNAL_FIELDS
    factory = make_session_factory(engine)
    moment = datetime(2026, 2, 10, 8, 1, tzinfo=UTC)
    with session_scope(factory) as session:
        store.insert_observations(
            session,
            [Observation("new-loop", moment, moment, 3.0, green_s=9.5, occupied_now=False)],
        )
    with session_scope(factory) as session:
        found = {o.detector_id: o for o in store.recent_observations(session)}
    assert (found["old-loop"].intensity_veh, found["old-loop"].green_s) == (4.0, None)
    assert found["old-loop"].occupied_now is None
    assert (found["new-loop"].green_s, found["new-loop"].occupied_now) == (9.5, False)

    _alembic(engine, "downgrade", "twin_0001")
    assert not SIGNAL_FIELDS & _columns(engine)
    with engine.connect() as connection:
        kept = connection.execute(text("SELECT detector_id FROM twin_observations")).scalars()
        assert sorted(kept) == ["new-loop", "old-loop"]
