"""Core routes: health, the caller's identity, and background jobs."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from hostcity import __version__
from hostcity.api.deps import AnyUser, PlatformDep, SessionDep
from hostcity.core.errors import ForbiddenError
from hostcity.core.jobs import get_job, list_jobs

router = APIRouter(prefix="/api", tags=["core"])


@router.get("/health")
def health(platform: PlatformDep) -> dict[str, str]:
    """Liveness: the version and which database is in use. Public."""
    return {
        "status": "ok",
        "version": __version__,
        "database": platform.settings.database_kind,
    }


@router.get("/me")
def me(principal: AnyUser) -> dict[str, Any]:
    """Who the token belongs to."""
    return {
        "id": principal.user_id,
        "name": principal.name,
        "role": principal.role.value,
        "venue_id": principal.venue_id,
    }


@router.get("/jobs")
def jobs(session: SessionDep, principal: AnyUser, kind: str | None = None) -> list[dict[str, Any]]:
    """The newest jobs; fans and gates see their own, operators see all."""
    views = list_jobs(session, kind=kind, limit=200)
    if principal.role.value != "operator":
        owned = {row for row in _owned_job_ids(session, principal.user_id)}
        views = [view for view in views if view.id in owned]
    return [view.to_dict() for view in views[:50]]


@router.get("/jobs/{job_id}")
def job(job_id: str, session: SessionDep, principal: AnyUser) -> dict[str, Any]:
    """One job's status, progress, result and error."""
    view = get_job(session, job_id)
    if principal.role.value != "operator" and job_id not in _owned_job_ids(
        session, principal.user_id
    ):
        raise ForbiddenError("this job belongs to another user")
    return view.to_dict()


def _owned_job_ids(session: SessionDep, user_id: int) -> set[str]:
    from sqlalchemy import select

    from hostcity.core.tables import JobRow

    return set(session.scalars(select(JobRow.id).where(JobRow.owner_id == user_id)))
