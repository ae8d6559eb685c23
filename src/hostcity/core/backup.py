"""A consistent copy of the SQLite database, taken while the server may be writing to it.

SQLite's online backup copies the pages under a read lock, so the copy is one moment of the
database even with the demo or ``serve`` running. It is written beside the destination first
and moved into place only once it passed SQLite's integrity check, so a failed or interrupted
backup never leaves a half-written file under the destination's name.
PostgreSQL databases are backed up with ``pg_dump``.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from hostcity.core.errors import InputError, NotFoundError, StorageError

PAGES_PER_STEP = 1024
ProgressFn = Callable[[float, str], None]


@dataclass(frozen=True)
class BackupReport:
    """What a backup wrote."""

    path: Path
    size_bytes: int
    tables: int
    revisions: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready dict."""
        return {
            "path": str(self.path),
            "size_bytes": self.size_bytes,
            "tables": self.tables,
            "revisions": list(self.revisions),
            "integrity": "ok",
        }


def backup_database(
    database_url: str, dest: Path, *, force: bool = False, progress: ProgressFn | None = None
) -> BackupReport:
    """Copy the SQLite database at ``database_url`` to ``dest``.

    Raises:
        InputError: for a PostgreSQL URL (use pg_dump), a destination that exists (without
            ``force``), is the database itself, or lies in a missing folder; or a source
            that is not a SQLite database.
        NotFoundError: when there is no database file yet.
        StorageError: when the copy fails its integrity check or cannot be written.
    """
    source = _sqlite_file(database_url)
    dest = dest.expanduser().resolve()
    if dest == source:
        raise InputError(f"{dest} is the database itself", hint="give another file name")
    if dest.is_dir():
        example = dest / "hostcity.db"
        raise InputError(f"{dest} is a folder", hint=f"give a file name, e.g. {example}")
    if dest.exists() and not force:
        raise InputError(f"{dest} already exists", hint="pass --force to replace it")
    if not dest.parent.is_dir():
        raise InputError(f"there is no folder {dest.parent}", hint="create it first")
    partial = dest.with_name(dest.name + ".partial")
    try:
        _copy(source, partial, progress)
        tables, revisions = _check(partial)
        os.replace(partial, dest)
    except OSError as exc:
        raise StorageError(f"cannot write the backup to {dest}: {exc.strerror}") from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    return BackupReport(dest, dest.stat().st_size, tables, revisions)


def _sqlite_file(database_url: str) -> Path:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        safe = url.render_as_string(hide_password=True).replace("+psycopg", "")
        raise InputError(
            f"the database is {url.get_backend_name()}; 'hostcity db backup' copies SQLite files",
            hint=f"back PostgreSQL up with pg_dump: pg_dump --format=custom --file=hostcity.dump "
            f"'{safe}'",
        )
    if not url.database or url.database == ":memory:":
        raise InputError("an in-memory database cannot be backed up", hint="use a file database")
    source = Path(url.database).expanduser().resolve()
    if not source.is_file():
        raise NotFoundError(
            f"no database at {source}",
            hint="run 'hostcity db upgrade' or 'hostcity demo' first",
        )
    return source


def _copy(source: Path, partial: Path, progress: ProgressFn | None) -> None:
    def report(_status: int, remaining: int, total: int) -> None:
        if progress is not None and total:
            progress((total - remaining) / total, f"{total - remaining}/{total} pages")

    try:
        with (
            contextlib.closing(sqlite3.connect(f"{source.as_uri()}?mode=ro", uri=True)) as src,
            contextlib.closing(sqlite3.connect(partial)) as dst,
        ):
            src.backup(dst, pages=PAGES_PER_STEP, progress=report)
    except sqlite3.DatabaseError as exc:
        if "file is not a database" in str(exc):
            raise InputError(
                f"{source} is not a SQLite database ({exc})",
                hint="check HOSTCITY_DATABASE_URL / the data directory",
            ) from exc
        raise StorageError(f"the backup of {source} failed: {exc}") from exc


def _check(copy: Path) -> tuple[int, tuple[str, ...]]:
    """The copy's table count and migration revisions, after SQLite's integrity check."""
    with contextlib.closing(sqlite3.connect(copy)) as db:
        verdict = db.execute("PRAGMA integrity_check").fetchone()[0]
        if verdict != "ok":
            raise StorageError(f"the copy failed SQLite's integrity check: {verdict}")
        tables = db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()
        try:
            rows = db.execute("SELECT version_num FROM alembic_version").fetchall()
        except sqlite3.OperationalError:  # not migrated by HostCity
            rows = []
        return int(tables[0]), tuple(sorted(str(r[0]) for r in rows))
