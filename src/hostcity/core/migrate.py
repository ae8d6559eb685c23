"""Database migrations: bring any SQLite or PostgreSQL database to the newest schema."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from hostcity.core.errors import StorageError


def alembic_config() -> Config:
    """An Alembic config pointing at the migrations shipped inside the package."""
    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent.parent / "migrations"))
    return config


def upgrade(engine: Engine) -> None:
    """Apply every pending migration on every branch.

    Raises:
        StorageError: when the database cannot be migrated.
    """
    config = alembic_config()
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "heads")
    except OperationalError as exc:
        raise StorageError(
            f"cannot migrate the database: {exc.orig}",
            hint="check HOSTCITY_DATABASE_URL and that the database is reachable and writable",
        ) from exc


def current_heads(engine: Engine) -> set[str]:
    """The revisions the database is at."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())
