"""Killing the process mid-write loses no committed data and leaves the database intact."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select, text

from hostcity.core.db import create_db_engine, make_session_factory, session_scope
from hostcity.core.migrate import upgrade
from hostcity.core.tables import JobRow

WRITER = """
import sys
from hostcity.core.db import create_db_engine, make_session_factory, session_scope
from hostcity.core.tables import JobRow
engine = create_db_engine(sys.argv[1])
factory = make_session_factory(engine)
i = 0
while True:
    with session_scope(factory) as session:
        for j in range(20):
            session.add(JobRow(id=f"{i}-{j}", kind="k", params={"blob": "x" * 2000},
                               status="queued", message="", progress=0.0))
    i += 1
    print(i, flush=True)
"""


def test_kill_9_mid_write_keeps_every_committed_row(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kill.db'}"
    engine = create_db_engine(url)
    upgrade(engine)
    engine.dispose()
    committed = 0
    with subprocess.Popen(
        [sys.executable, "-c", WRITER, url], stdout=subprocess.PIPE, text=True
    ) as writer:
        assert writer.stdout is not None
        deadline = time.monotonic() + 30
        while committed < 40 and time.monotonic() < deadline:
            committed = int(writer.stdout.readline())
        writer.send_signal(signal.SIGKILL)
        writer.wait()
    assert committed >= 40

    engine = create_db_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    with session_scope(make_session_factory(engine)) as session:
        rows = session.scalar(select(func.count()).select_from(JobRow))
    engine.dispose()
    assert rows is not None
    assert rows >= committed * 20
    assert rows % 20 == 0  # no half-written transaction
