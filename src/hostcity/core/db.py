"""Storage: the SQLAlchemy base, engine factory, and a session per unit of work."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Engine, MetaData, create_engine, event, text
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from hostcity.core.errors import ConfigError, StorageError
from hostcity.core.timeutil import as_utc

MAX_ROW_ID = 2**31 - 1
"""The largest id a row can have (PostgreSQL's integer). A larger one names no row: callers
refuse it rather than send it to the database, where it would overflow."""

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of every table; features define theirs in ``<pillar>/<feature>/adapters/tables.py``."""

    metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator[datetime]):
    """A datetime stored as UTC and always read back timezone-aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        aware = as_utc(value)
        return aware.replace(tzinfo=None) if dialect.name == "sqlite" else aware

    def process_result_value(self, value: datetime | None, _dialect: Any) -> datetime | None:
        return None if value is None else as_utc(value)


TABLE_MODULES = (
    "hostcity.core.tables",
    "hostcity.brain.control.adapters.tables",
    "hostcity.brain.twin.adapters.tables",
    "hostcity.brain.forecast.adapters.tables",
    "hostcity.brain.incidents.adapters.tables",
    "hostcity.brain.emergency.adapters.tables",
    "hostcity.smartpass.faces.adapters.tables",
    "hostcity.smartpass.events.adapters.tables",
    "hostcity.smartpass.transit.adapters.tables",
    "hostcity.smartpass.egress.adapters.tables",
    "hostcity.replay.recordings.adapters.tables",
    "hostcity.replay.clips.adapters.tables",
)


def load_all_tables() -> MetaData:
    """Import every table module so ``Base.metadata`` is complete, and return it."""
    import importlib

    for name in TABLE_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return Base.metadata


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the server read while a job writes; synchronous=NORMAL is durable in WAL mode
    # for committed transactions across process kills (only power loss can drop the last ones).
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def create_db_engine(url: str) -> Engine:
    """Create an engine for ``url``; SQLite gets WAL mode and a busy timeout.

    Raises:
        ConfigError: when the URL cannot be used.
    """
    try:
        if url.startswith("sqlite"):
            db_path = url.split("///", 1)[-1]
            if db_path and db_path != ":memory:":
                Path(db_path).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})
            event.listen(engine, "connect", _sqlite_pragmas)
        else:
            engine = create_engine(url, pool_pre_ping=True)
    except (SQLAlchemyError, OSError, ImportError) as exc:
        raise ConfigError(
            f"cannot use database URL {url!r}: {exc}", hint="check HOSTCITY_DATABASE_URL"
        ) from exc
    return engine


def check_connection(engine: Engine) -> None:
    """Open and close one connection.

    Raises:
        StorageError: when the database cannot be reached.
    """
    try:
        with engine.connect():
            pass
    except OperationalError as exc:
        raise StorageError(
            f"cannot connect to the database at {engine.url.render_as_string(hide_password=True)}",
            hint="check that the server runs and HOSTCITY_DATABASE_URL is right",
        ) from exc


def probe_database(engine: Engine) -> float:
    """Run ``SELECT 1`` and return how long the round trip took, in milliseconds.

    Raises:
        StorageError: when the database does not answer.
    """
    started = time.perf_counter()
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        raise StorageError(
            f"the database at {engine.url.render_as_string(hide_password=True)} does not answer: "
            f"{type(exc).__name__}",
            hint="check that the server runs and HOSTCITY_DATABASE_URL is right",
        ) from exc
    return (time.perf_counter() - started) * 1000.0


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory bound to ``engine``; objects stay readable after commit."""
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error.

    Raises:
        StorageError: when the commit fails (disk full, database gone).
    """
    session = factory()
    try:
        yield session
        session.commit()
    except OperationalError as exc:
        session.rollback()
        raise StorageError(f"the database refused a write: {exc.orig}") from exc
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
