"""The events migration creates exactly the tables the models describe."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from hostcity.core.db import load_all_tables
from hostcity.core.platform import Platform


def _ours(diff: Any) -> bool:
    text = repr(diff)
    return "events_" in text


def test_migration_matches_tables(platform: Platform) -> None:
    metadata = load_all_tables()
    with platform.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diffs = [d for d in compare_metadata(context, metadata) if _ours(d)]
    assert diffs == []
