"""Background jobs: persisted status and progress, run by a local worker pool.

A job is a registered function ``fn(ctx, params) -> result`` where ``params`` and the
result are JSON-serialisable. Because a job is named by its kind and plain data, a
distributed engine (Celery, Dramatiq, a NATS worker) can run the same functions later by
implementing ``JobExecutor``; the local pool is one such executor.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from hostcity.core.db import session_scope
from hostcity.core.errors import HostCityError, InputError, NotFoundError
from hostcity.core.settings import Settings
from hostcity.core.tables import JobRow
from hostcity.core.timeutil import utcnow

log = logging.getLogger(__name__)

ProgressFn = Callable[[float, str], None]


class JobStatus(StrEnum):
    """Where a job is in its life."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@dataclass
class JobContext:
    """What a running job can use: settings, storage, and a progress callback."""

    job_id: str
    settings: Settings
    session_factory: sessionmaker[Session]
    report: ProgressFn = field(default=lambda _f, _m: None)

    def progress(self, fraction: float, message: str = "") -> None:
        """Report progress as a fraction in [0, 1] with a short message."""
        self.report(min(1.0, max(0.0, fraction)), message)


JobFn = Callable[[JobContext, Mapping[str, Any]], dict[str, Any]]


class JobRegistry:
    """Job kinds by name; each pillar registers its own when the app is built."""

    def __init__(self) -> None:
        self._jobs: dict[str, JobFn] = {}

    def register(self, kind: str, fn: JobFn) -> None:
        """Add a job kind."""
        self._jobs[kind] = fn

    def get(self, kind: str) -> JobFn:
        """The function for ``kind``.

        Raises:
            InputError: for an unknown kind.
        """
        try:
            return self._jobs[kind]
        except KeyError:
            known = ", ".join(sorted(self._jobs)) or "none"
            raise InputError(f"unknown job kind {kind!r}", hint=f"known kinds: {known}") from None

    def kinds(self) -> list[str]:
        """All registered kinds, sorted."""
        return sorted(self._jobs)


@dataclass(frozen=True)
class JobView:
    """A job as callers see it."""

    id: str
    kind: str
    status: JobStatus
    progress: float
    message: str
    result: dict[str, Any] | None
    error: str | None
    created_at: str
    started_at: str | None
    finished_at: str | None

    @classmethod
    def from_row(cls, row: JobRow) -> JobView:
        """Build a view of a stored job."""
        return cls(
            id=row.id,
            kind=row.kind,
            status=JobStatus(row.status),
            progress=row.progress,
            message=row.message,
            result=row.result,
            error=row.error,
            created_at=row.created_at.isoformat(),
            started_at=row.started_at.isoformat() if row.started_at else None,
            finished_at=row.finished_at.isoformat() if row.finished_at else None,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return {
            "id": self.id,
            "kind": self.kind,
            "status": self.status.value,
            "progress": self.progress,
            "message": self.message,
            "result": self.result,
            "error": self.error,
            "created_at": self.created_at,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
        }


def get_job(session: Session, job_id: str) -> JobView:
    """The job with ``job_id``.

    Raises:
        NotFoundError: when there is no such job.
    """
    row = session.get(JobRow, job_id)
    if row is None:
        raise NotFoundError(f"no job with id {job_id!r}", hint="list jobs with GET /api/jobs")
    return JobView.from_row(row)


def list_jobs(
    session: Session, *, kind: str | None = None, owner_id: int | None = None, limit: int = 50
) -> list[JobView]:
    """The newest jobs, optionally of one kind or one owner."""
    query = select(JobRow).order_by(JobRow.created_at.desc()).limit(limit)
    if kind:
        query = query.where(JobRow.kind == kind)
    if owner_id is not None:
        query = query.where(JobRow.owner_id == owner_id)
    return [JobView.from_row(row) for row in session.scalars(query)]


class JobExecutor(Protocol):
    """Runs a stored job by id; implemented by the local pool or a distributed engine."""

    def dispatch(self, job_id: str) -> None:
        """Start (or enqueue) the job."""

    def shutdown(self) -> None:
        """Stop accepting jobs and wait for running ones."""


class JobService:
    """Creates jobs, stores their progress, and hands them to an executor."""

    PROGRESS_WRITE_INTERVAL_S = 0.3

    def __init__(
        self,
        settings: Settings,
        session_factory: sessionmaker[Session],
        registry: JobRegistry,
    ) -> None:
        self.settings = settings
        self.session_factory = session_factory
        self.registry = registry
        self.executor: JobExecutor = LocalPoolExecutor(self, settings.job_workers)

    def submit(self, kind: str, params: Mapping[str, Any], *, owner_id: int | None = None) -> str:
        """Store a queued job and dispatch it; returns its id."""
        self.registry.get(kind)  # fail now, not in the worker, for an unknown kind
        job_id = str(uuid.uuid4())
        with session_scope(self.session_factory) as session:
            session.add(
                JobRow(
                    id=job_id,
                    kind=kind,
                    params=dict(params),
                    status=JobStatus.QUEUED.value,
                    message="queued",
                    owner_id=owner_id,
                )
            )
        self.executor.dispatch(job_id)
        return job_id

    def recover_interrupted(self) -> int:
        """Mark jobs left queued or running by a stopped process as failed; returns the count."""
        with session_scope(self.session_factory) as session:
            rows = session.scalars(
                select(JobRow).where(
                    JobRow.status.in_([JobStatus.QUEUED.value, JobStatus.RUNNING.value])
                )
            ).all()
            for row in rows:
                row.status = JobStatus.FAILED.value
                row.error = (
                    "interrupted: the server stopped before the job finished; submit it again"
                )
                row.finished_at = utcnow()
            return len(rows)

    def run(self, job_id: str) -> None:
        """Run a stored job to the end, recording progress, result or error."""
        with session_scope(self.session_factory) as session:
            row = session.get(JobRow, job_id)
            if row is None:
                return
            kind, params = row.kind, dict(row.params)
            row.status, row.started_at, row.message = JobStatus.RUNNING.value, utcnow(), "started"
        ctx = JobContext(job_id, self.settings, self.session_factory, self._progress_writer(job_id))
        try:
            result = self.registry.get(kind)(ctx, params)
        except HostCityError as exc:
            self._finish(job_id, JobStatus.FAILED, error=str(exc))
        except Exception as exc:
            log.warning("job %s (%s) crashed:\n%s", job_id, kind, traceback.format_exc())
            self._finish(job_id, JobStatus.FAILED, error=f"internal error: {exc!r}")
        else:
            self._finish(job_id, JobStatus.SUCCEEDED, result=result)

    def _progress_writer(self, job_id: str) -> ProgressFn:
        last = [0.0]

        def write(fraction: float, message: str) -> None:
            now = time.monotonic()
            if now - last[0] < self.PROGRESS_WRITE_INTERVAL_S and fraction < 1.0:
                return
            last[0] = now
            with session_scope(self.session_factory) as session:
                row = session.get(JobRow, job_id)
                if row is not None:
                    row.progress, row.message = fraction, message

        return write

    def _finish(
        self,
        job_id: str,
        status: JobStatus,
        *,
        result: dict[str, Any] | None = None,
        error: str | None = None,
    ) -> None:
        with session_scope(self.session_factory) as session:
            row = session.get(JobRow, job_id)
            if row is None:
                return
            row.status, row.finished_at = status.value, utcnow()
            row.result, row.error = result, error
            if status is JobStatus.SUCCEEDED:
                row.progress, row.message = 1.0, "done"
            else:
                row.message = "failed"

    def wait(self, job_id: str, *, timeout_s: float = 60.0) -> JobView:
        """Block until the job ends (for the CLI and tests)."""
        deadline = time.monotonic() + timeout_s
        while True:
            with session_scope(self.session_factory) as session:
                view = get_job(session, job_id)
            if view.status in (JobStatus.SUCCEEDED, JobStatus.FAILED):
                return view
            if time.monotonic() > deadline:
                raise TimeoutError(f"job {job_id} still {view.status.value} after {timeout_s} s")
            time.sleep(0.05)

    def shutdown(self) -> None:
        """Stop the executor."""
        self.executor.shutdown()


class LocalPoolExecutor:
    """Runs jobs on a thread pool in this process."""

    def __init__(self, service: JobService, workers: int) -> None:
        self._service = service
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="hostcity-job")
        self._futures: set[Future[None]] = set()
        self._lock = threading.Lock()

    def dispatch(self, job_id: str) -> None:
        future = self._pool.submit(self._service.run, job_id)
        with self._lock:
            self._futures.add(future)
        future.add_done_callback(self._forget)

    def _forget(self, future: Future[None]) -> None:
        with self._lock:
            self._futures.discard(future)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
