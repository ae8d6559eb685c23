"""Core routes: health, the caller's identity, and background jobs."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import Field
from sqlalchemy import select

from hostcity import __version__
from hostcity.api.deps import AnyUser, Operator, PlatformDep, SessionDep
from hostcity.api.inputs import InputModel
from hostcity.core.auth import create_user, list_users, parse_role
from hostcity.core.db import probe_database
from hostcity.core.errors import ForbiddenError, StorageError
from hostcity.core.jobs import get_job, list_jobs
from hostcity.core.tables import JobRow

router = APIRouter(prefix="/api", tags=["core"])


@router.get("/health")
def health(platform: PlatformDep) -> dict[str, str]:
    """Liveness: the version and which database is in use. Public."""
    return {
        "status": "ok",
        "version": __version__,
        "database": platform.settings.database_kind,
    }


@router.get("/ready", responses={503: {"description": "the database does not answer"}})
def ready(platform: PlatformDep) -> JSONResponse:
    """Readiness, for load balancers and orchestrators: 200 while the database answers a query,
    503 with the reason while it does not. Public."""
    kind = platform.settings.database_kind
    try:
        ms = probe_database(platform.engine)
    except StorageError as exc:
        body = {"status": "unavailable", "database": {"kind": kind, "ok": False, **exc.to_dict()}}
        return JSONResponse(body, status_code=503)
    database = {"kind": kind, "ok": True, "ms": round(ms, 1)}
    return JSONResponse({"status": "ready", "database": database})


@router.get("/me")
def me(principal: AnyUser) -> dict[str, Any]:
    """Who the token belongs to."""
    return {
        "id": principal.user_id,
        "name": principal.name,
        "role": principal.role.value,
        "venue_id": principal.venue_id,
    }


class NewUserRequest(InputModel):
    """A user to create."""

    name: str = Field(min_length=1, max_length=200)
    role: str = Field(description="operator, gate or fan")
    venue_id: str | None = Field(default=None, description="required for gate devices")


@router.get("/users")
def users(session: SessionDep, _principal: Operator) -> list[dict[str, Any]]:
    """Every user (never their tokens). Operators only."""
    return [
        {"id": p.user_id, "name": p.name, "role": p.role.value, "venue_id": p.venue_id}
        for p in list_users(session)
    ]


@router.post("/users", status_code=201)
def add_user(body: NewUserRequest, session: SessionDep, _principal: Operator) -> dict[str, Any]:
    """Create a user; the token is in this response only. Operators only."""
    new = create_user(session, name=body.name, role=parse_role(body.role), venue_id=body.venue_id)
    return {"id": new.principal.user_id, "role": new.principal.role.value, "token": new.token}


@router.get("/jobs")
def jobs(session: SessionDep, principal: AnyUser, kind: str | None = None) -> list[dict[str, Any]]:
    """The newest jobs; operators see all, others see their own."""
    owner = None if principal.role.value == "operator" else principal.user_id
    return [view.to_dict() for view in list_jobs(session, kind=kind, owner_id=owner)]


@router.get("/jobs/{job_id}")
def job(job_id: str, session: SessionDep, principal: AnyUser) -> dict[str, Any]:
    """One job's status, progress, result and error."""
    view = get_job(session, job_id)
    if principal.role.value != "operator":
        owner = session.scalar(select(JobRow.owner_id).where(JobRow.id == job_id))
        if owner != principal.user_id:
            raise ForbiddenError("this job belongs to another user", hint="use your own job ids")
    return view.to_dict()
