"""Typed FastAPI dependencies: the platform, a session per request, and the caller's role."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from hostcity.core.auth import Principal, Role, authenticate, require_role
from hostcity.core.db import MAX_ROW_ID, session_scope
from hostcity.core.platform import Platform

RowId = Annotated[int, Path(le=MAX_ROW_ID, description="a numeric id, as listed")]
"""A row id in a URL; a number too large for any row is refused (422) instead of overflowing."""

bearer = HTTPBearer(auto_error=False, description="a token from 'hostcity users create'")


def get_platform(request: Request) -> Platform:
    """The platform the app was built with."""
    platform: Platform = request.app.state.platform
    return platform


PlatformDep = Annotated[Platform, Depends(get_platform)]


def get_session(platform: PlatformDep) -> Iterator[Session]:
    """One session per request, committed when the handler returns."""
    with session_scope(platform.session_factory) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
CredentialsDep = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def get_principal(platform: PlatformDep, credentials: CredentialsDep) -> Principal:
    """The authenticated caller, from the bearer token."""
    token = credentials.credentials if credentials else None
    with session_scope(platform.session_factory) as session:
        return authenticate(session, token)


def require(*roles: Role) -> Callable[..., Principal]:
    """A dependency that lets only ``roles`` through and returns the caller."""

    def dependency(principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
        return require_role(principal, *roles)

    dependency.__name__ = "require_" + "_or_".join(r.value for r in roles)
    return dependency


AnyUser = Annotated[Principal, Depends(require(Role.OPERATOR, Role.GATE, Role.FAN))]
Operator = Annotated[Principal, Depends(require(Role.OPERATOR))]
Gate = Annotated[Principal, Depends(require(Role.GATE))]
Fan = Annotated[Principal, Depends(require(Role.FAN, Role.OPERATOR))]
