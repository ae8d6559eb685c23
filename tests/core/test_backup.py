"""`hostcity db backup`: a consistent, checked copy of the SQLite database, even mid-write."""

from __future__ import annotations

import errno
import json
import os
import sqlite3
from pathlib import Path

import pytest

from hostcity.cli.main import main
from hostcity.core.auth import Role, create_user
from hostcity.core.backup import backup_database
from hostcity.core.db import session_scope
from hostcity.core.errors import InputError, NotFoundError, StorageError
from hostcity.core.platform import Platform
from hostcity.core.settings import Settings


def _users(path: Path) -> list[str]:
    db = sqlite3.connect(path)
    try:
        return sorted(row[0] for row in db.execute("SELECT name FROM users"))
    finally:
        db.close()


def test_a_backup_holds_what_was_committed_while_a_write_is_under_way(
    settings: Settings, platform: Platform, tmp_path: Path
) -> None:
    with session_scope(platform.session_factory) as session:
        create_user(session, name="kept", role=Role.OPERATOR)
    source = settings.data_dir / "hostcity.db"
    writer = sqlite3.connect(source)
    writer.execute("BEGIN IMMEDIATE")  # a write the server has not committed yet
    writer.execute(
        "INSERT INTO users (name, role, token_hash, created_at) "
        "SELECT 'pending', role, 'x', created_at FROM users LIMIT 1"
    )
    seen: list[float] = []
    try:
        report = backup_database(
            settings.resolved_database_url,
            tmp_path / "copy.db",
            progress=lambda fraction, _message: seen.append(fraction),
        )
    finally:
        writer.rollback()
        writer.close()
    assert _users(report.path) == ["kept"]
    assert report.tables > 10 and "incidents_0002" in report.revisions
    assert seen and seen[-1] == 1.0
    assert report.to_dict()["integrity"] == "ok"
    assert not (tmp_path / "copy.db.partial").exists()


def test_a_backup_refuses_to_overwrite_or_to_copy_onto_the_database(
    settings: Settings, platform: Platform, tmp_path: Path
) -> None:
    del platform
    url = settings.resolved_database_url
    dest = tmp_path / "copy.db"
    dest.write_text("an older backup")
    with pytest.raises(InputError, match="already exists"):
        backup_database(url, dest)
    assert dest.read_text() == "an older backup"  # left as it was
    assert backup_database(url, dest, force=True).size_bytes > 0
    with pytest.raises(InputError, match="is the database itself"):
        backup_database(url, settings.data_dir / "hostcity.db", force=True)
    with pytest.raises(InputError, match="is a folder"):
        backup_database(url, tmp_path)
    with pytest.raises(InputError, match="there is no folder"):
        backup_database(url, tmp_path / "missing" / "copy.db")


def test_a_backup_names_what_it_cannot_copy(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="pg_dump") as raised:
        backup_database("postgresql+psycopg://ops:s3cret@db:5432/hostcity", tmp_path / "x.db")
    assert "s3cret" not in str(raised.value.hint)
    with pytest.raises(NotFoundError, match="no database at"):
        backup_database(f"sqlite:///{tmp_path / 'none.db'}", tmp_path / "x.db")
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database file at all" * 200)
    with pytest.raises(InputError, match="not a SQLite database"):
        backup_database(f"sqlite:///{junk}", tmp_path / "x.db")
    assert not (tmp_path / "x.db").exists() and not (tmp_path / "x.db.partial").exists()


def test_the_backup_command(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in ("HOSTCITY_DATABASE_URL", "HOSTCITY_CONFIG"):
        monkeypatch.delenv(key, raising=False)
    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "db", "upgrade"]) == 0
    capsys.readouterr()
    dest = tmp_path / "hostcity-backup.db"
    assert main(["--data-dir", str(data), "db", "backup", str(dest), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["path"] == str(dest.resolve()) and report["integrity"] == "ok"
    assert main(["--data-dir", str(data), "db", "backup", str(dest)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert main(["--data-dir", str(data), "db", "backup", str(dest), "--force"]) == 0
    assert "integrity ok" in capsys.readouterr().out


def test_a_database_whose_path_has_spaces_and_a_hash_is_copied(tmp_path: Path) -> None:
    folder = tmp_path / "ops centre #1"
    folder.mkdir()
    source = folder / "host city.db"
    db = sqlite3.connect(source)
    db.execute("CREATE TABLE t (x)")
    db.execute("INSERT INTO t VALUES (42)")
    db.commit()
    db.close()
    report = backup_database(f"sqlite:///{source}", folder / "copy #2.db")
    copy = sqlite3.connect(report.path)
    try:
        assert copy.execute("SELECT x FROM t").fetchall() == [(42,)]
    finally:
        copy.close()


def test_a_backup_that_cannot_be_written_is_named_and_leaves_nothing_behind(
    settings: Settings, platform: Platform, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    del platform

    def full_disk(_src: object, _dst: object) -> None:  # a full disk cannot be made here
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("hostcity.core.backup.os.replace", full_disk)
    with pytest.raises(StorageError, match=r"cannot write the backup to .*: No space left"):
        backup_database(settings.resolved_database_url, tmp_path / "copy.db")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]  # no copy, partial or whole
