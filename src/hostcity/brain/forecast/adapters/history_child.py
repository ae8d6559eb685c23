"""Records detector history in a child process: libsumo allows one simulation per process.

The parent (``HistoryChildren.record``) writes one JSON request on the child's stdin and reads
JSON lines from its stdout: ``{"progress": f, "message": m}`` while it runs, then
``{"result": {...}}`` or ``{"error": message, "hint": hint}``. SUMO's own output and any
traceback go to a log file. The child runs niced, and exits when its parent goes away (its
stdin closes), so an interrupted server leaves nothing running.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

from hostcity.brain.forecast.errors import HistoryRecordingError

MODULE = "hostcity.brain.forecast.adapters.history_child"
NICE = 10
"""Niceness of the child, so the server it runs beside keeps answering."""
LOG_TAIL_CHARS = 1500
PROGRESS_EVERY_S = 0.5

ProgressFn = Callable[[float, str], None]


@dataclass(frozen=True)
class ChildRequest:
    """What the child records (see ``history_sim.HistoryRequest``) and where it stores it.

    Attributes:
        database_url: The store (sent on stdin, never on the command line: it may hold a
            password).
        workdir: Folder for the demand and SUMO files.
        scenario: 'demo', or the path of a .sumocfg or .net.xml.
        days: Whole days to record, ending at the midnight (UTC) on or before ``end``.
        hours: Record only the first hours of the first day.
        end: ISO time the days end by; now when None.
        seed: Seed of the demand and of SUMO.
        time_compression: Clock seconds per simulated second.
        controller: The signal controller of every junction (the live twin's).
        nice: Niceness added to the child.
    """

    database_url: str
    workdir: str
    scenario: str
    days: int
    hours: float | None = None
    end: str | None = None
    seed: int = 42
    time_compression: float = 4.0
    controller: str = "fixed"
    nice: int = NICE


class HistoryChildren:
    """Runs recording children and ends those still running when the platform stops.

    It is a platform worker (``name``, ``start``, ``stop``), so stopping the server stops
    a recording instead of waiting minutes for it.

    Args:
        command: The child's command line; the default runs this module with this Python.
    """

    name = "forecast history recorder"

    def __init__(self, command: Sequence[str] | None = None) -> None:
        self.command = list(command) if command else [sys.executable, "-m", MODULE]
        self._running: set[subprocess.Popen[str]] = set()
        self._lock = threading.Lock()
        self._stopping = False

    def start(self) -> None:
        """Nothing to start: children start with the jobs that need them."""

    def stop(self) -> None:
        """Terminate every running child; their jobs fail saying the server stopped."""
        with self._lock:
            self._stopping = True
            running = list(self._running)
        for process in running:
            process.terminate()

    @property
    def stopping(self) -> bool:
        """True once ``stop`` was called."""
        return self._stopping

    def record(
        self, request: ChildRequest, *, log_file: Path, progress: ProgressFn | None = None
    ) -> dict[str, Any]:
        """Record history in a child process and return its summary.

        Raises:
            HistoryRecordingError: with the child's own message (bad scenario, SUMO missing),
                or its exit code and the end of its log when it died, or when stopped.
        """
        report = progress or (lambda _f, _m: None)
        log_file.parent.mkdir(parents=True, exist_ok=True)
        with log_file.open("w") as log:
            with self._lock:
                if self._stopping:
                    raise _stopped()
                process = subprocess.Popen(
                    self.command,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=log,
                    text=True,
                )
                self._running.add(process)
            try:
                replies = _exchange(process, request, report)
            finally:
                with self._lock:
                    self._running.discard(process)
        if "result" in replies and process.returncode == 0:
            result: dict[str, Any] = replies["result"]
            return result
        if self._stopping:
            raise _stopped()
        if "error" in replies:
            raise HistoryRecordingError(
                f"recording detector history failed: {replies['error']}",
                hint=replies.get("hint") or f"see {log_file}",
            )
        tail = log_file.read_text(errors="replace")[-LOG_TAIL_CHARS:].strip()
        raise HistoryRecordingError(
            f"the history recorder exited with code {process.returncode} before it finished"
            + (f": {tail}" if tail else ""),
            hint=f"see {log_file}; record by hand with 'hostcity brain history demo --days 2'",
        )


def _stopped() -> HistoryRecordingError:
    return HistoryRecordingError(
        "recording detector history stopped: the server is shutting down",
        hint="start the server again to record it",
    )


def _exchange(
    process: subprocess.Popen[str], request: ChildRequest, report: ProgressFn
) -> dict[str, Any]:
    """Send the request, relay progress until the child closes its stdout, and wait for it."""
    assert process.stdin is not None and process.stdout is not None
    replies: dict[str, Any] = {}
    try:
        try:
            process.stdin.write(json.dumps(asdict(request)) + "\n")
            process.stdin.flush()
        except BrokenPipeError:
            pass  # it died at once; its exit code and log say why
        for line in process.stdout:
            try:
                message = json.loads(line)
            except ValueError:
                continue
            if not isinstance(message, dict):
                continue
            if "progress" in message:
                report(float(message["progress"]), str(message.get("message", "")))
            else:
                replies.update(message)
        process.wait()
    finally:
        if process.poll() is None:  # an error in the parent: do not leave the child running
            process.kill()
            process.wait()
        for stream in (process.stdin, process.stdout):
            with contextlib.suppress(BrokenPipeError):
                stream.close()
    return replies


# The child ---------------------------------------------------------------------------------


def main() -> int:
    """The child: read a request on stdin, record, and answer in JSON lines."""
    # SUMO writes to file descriptor 1 from C++: keep that for the log, and answer on a copy.
    answers = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    try:
        request = ChildRequest(**json.loads(sys.stdin.readline()))
    except (TypeError, ValueError) as exc:
        _send(answers, {"error": f"bad request from the parent: {exc}"})
        return 2
    threading.Thread(target=_exit_with_parent, daemon=True).start()
    if request.nice and hasattr(os, "nice"):
        os.nice(request.nice)
    from hostcity.core.errors import HostCityError

    try:
        result = _record(request, _progress_sender(answers))
    except HostCityError as exc:
        _send(answers, {"error": exc.message, "hint": exc.hint})
        return 1
    _send(answers, {"result": result})
    return 0


def _exit_with_parent() -> None:
    sys.stdin.read()  # returns when the parent closes the pipe or dies
    os._exit(3)


def _send(stream: IO[str], message: dict[str, Any]) -> None:
    stream.write(json.dumps(message) + "\n")
    stream.flush()


def _progress_sender(stream: IO[str]) -> ProgressFn:
    last = [0.0]

    def send(fraction: float, message: str) -> None:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_EVERY_S or fraction >= 1.0:
            last[0] = now
            _send(stream, {"progress": round(fraction, 4), "message": message})

    return send


def _record(request: ChildRequest, progress: ProgressFn) -> dict[str, Any]:
    from hostcity.brain.forecast.adapters.history_sim import HistoryRequest, record_history
    from hostcity.brain.twin.service import TwinService
    from hostcity.core.db import create_db_engine, make_session_factory
    from hostcity.core.errors import InputError
    from hostcity.core.timeutil import parse_iso

    try:
        end = parse_iso(request.end) if request.end else None
    except ValueError:
        raise InputError(f"cannot read the end time {request.end!r}") from None
    engine = create_db_engine(request.database_url)
    try:
        factory = make_session_factory(engine)
        recording = record_history(
            HistoryRequest(
                scenario=request.scenario,
                days=request.days,
                end=end,
                seed=request.seed,
                time_compression=request.time_compression,
                hours=request.hours,
                controller=request.controller,
            ),
            workdir=Path(request.workdir),
            session_factory=factory,
            ingest=TwinService(factory).ingest,
            progress=progress,
        )
    finally:
        engine.dispose()
    return recording.summary()


if __name__ == "__main__":
    sys.exit(main())
