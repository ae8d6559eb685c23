"""Storage on SQLite and PostgreSQL: migrations match the tables, writes commit or roll back."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, select

from hostcity.core.auth import Role, authenticate, create_user
from hostcity.core.db import (
    load_all_tables,
    make_session_factory,
    session_scope,
)
from hostcity.core.errors import AuthError
from hostcity.core.jobs import JobRegistry, JobService, JobStatus, get_job
from hostcity.core.migrate import current_heads, upgrade
from hostcity.core.settings import load_settings
from hostcity.core.tables import JobRow, UserRow


def test_migrations_create_exactly_the_declared_tables(engine: Engine) -> None:
    metadata = load_all_tables()
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diffs == []
    from alembic.script import ScriptDirectory

    from hostcity.core.migrate import alembic_config

    # core_0001 is a head of its own branch, absorbed by the pillar branches that depend on it.
    heads = set(ScriptDirectory.from_config(alembic_config()).get_heads()) - {"core_0001"}
    assert current_heads(engine) == heads


def test_upgrade_twice_is_a_no_op(engine: Engine) -> None:
    before = current_heads(engine)
    upgrade(engine)
    assert current_heads(engine) == before


def test_token_is_stored_hashed_and_authenticates(engine: Engine) -> None:
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        new = create_user(session, name="ops", role=Role.OPERATOR)
    with session_scope(factory) as session:
        stored = session.scalars(select(UserRow.token_hash)).all()
        assert new.token not in stored
        assert authenticate(session, new.token).role is Role.OPERATOR
        with pytest.raises(AuthError):
            authenticate(session, new.token + "x")


def test_failed_unit_of_work_leaves_nothing(engine: Engine) -> None:
    factory = make_session_factory(engine)
    with pytest.raises(RuntimeError), session_scope(factory) as session:
        create_user(session, name="ghost", role=Role.FAN)
        raise RuntimeError("boom")
    with session_scope(factory) as session:
        assert session.scalars(select(UserRow)).all() == []


def test_times_come_back_timezone_aware_utc(engine: Engine) -> None:
    factory = make_session_factory(engine)
    moment = datetime(2026, 2, 6, 19, 30, tzinfo=UTC)
    with session_scope(factory) as session:
        session.add(
            JobRow(
                id="j1",
                kind="k",
                params={},
                status="queued",
                message="",
                progress=0.0,
                created_at=moment,
            )
        )
    with session_scope(factory) as session:
        row = session.get(JobRow, "j1")
        assert row is not None
        assert row.created_at == moment
        assert row.created_at.tzinfo is not None


def test_job_lifecycle_persists_progress_and_result(engine: Engine, tmp_path: Path) -> None:
    factory = make_session_factory(engine)
    registry = JobRegistry()
    seen: list[float] = []

    def square(ctx, params):  # type: ignore[no-untyped-def]
        for i in range(3):
            ctx.progress((i + 1) / 3, f"step {i + 1}")
            seen.append((i + 1) / 3)
        return {"value": params["x"] ** 2}

    def broken(ctx, params):  # type: ignore[no-untyped-def]
        raise ValueError("bad x")

    registry.register("test.square", square)
    registry.register("test.broken", broken)
    settings = load_settings(data_dir=tmp_path, secret_key="x" * 32)
    service = JobService(settings, factory, registry)
    try:
        ok = service.wait(service.submit("test.square", {"x": 7}))
        failed = service.wait(service.submit("test.broken", {}))
    finally:
        service.shutdown()
    assert ok.status is JobStatus.SUCCEEDED
    assert ok.result == {"value": 49}
    assert ok.progress == 1.0
    assert seen == [1 / 3, 2 / 3, 1.0]
    assert failed.status is JobStatus.FAILED
    assert failed.error is not None and "bad x" in failed.error
    with session_scope(factory) as session:
        assert get_job(session, ok.id).result == {"value": 49}


def test_only_a_server_start_fails_jobs_left_running(tmp_path: Path) -> None:
    from hostcity.core.platform import open_platform

    settings = load_settings(data_dir=tmp_path / "data", secret_key="x" * 32)
    first = open_platform(settings)
    try:
        with session_scope(first.session_factory) as session:
            session.add(JobRow(id="j-live", kind="demo", params={}, status="running"))
    finally:
        first.close()
    # A CLI command beside a running server leaves the server's job alone...
    cli = open_platform(settings, recover_jobs=False)
    try:
        with session_scope(cli.session_factory) as session:
            assert get_job(session, "j-live").status is JobStatus.RUNNING
    finally:
        cli.close()
    # ...a server starting on the database knows that nobody runs it any more.
    server = open_platform(settings)
    try:
        with session_scope(server.session_factory) as session:
            job = get_job(session, "j-live")
        assert job.status is JobStatus.FAILED
        assert job.error is not None and "interrupted" in job.error
    finally:
        server.close()
