"""Authentication and roles: bearer tokens, stored hashed, and the three roles."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from hostcity.core.errors import AuthError, ForbiddenError, InputError
from hostcity.core.tables import UserRow

TOKEN_PREFIX = "hc_"


class Role(StrEnum):
    """Who is calling: the operations centre, a venue gate device, or a fan."""

    OPERATOR = "operator"
    GATE = "gate"
    FAN = "fan"


@dataclass(frozen=True)
class Principal:
    """The authenticated caller of a request."""

    user_id: int
    name: str
    role: Role
    venue_id: str | None = None


@dataclass(frozen=True)
class NewUser:
    """A freshly created user and its token, which is shown once and never stored."""

    principal: Principal
    token: str


def hash_token(token: str) -> str:
    """SHA-256 of a token; tokens carry 256 random bits, so no slow hash is needed."""
    return hashlib.sha256(token.encode()).hexdigest()


def parse_role(value: str) -> Role:
    """The role named by ``value``.

    Raises:
        InputError: for an unknown role.
    """
    try:
        return Role(value)
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        raise InputError(f"unknown role {value!r}", hint=f"use one of: {choices}") from None


def create_user(session: Session, *, name: str, role: Role, venue_id: str | None = None) -> NewUser:
    """Create a user with a new random token.

    Raises:
        InputError: when a gate device has no venue or the name is empty.
    """
    if not name.strip():
        raise InputError("a user needs a name", hint="pass --name")
    if role is Role.GATE and not venue_id:
        raise InputError("a gate device must be bound to a venue", hint="pass --venue VENUE_ID")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = UserRow(
        name=name.strip(), role=role.value, token_hash=hash_token(token), venue_id=venue_id
    )
    session.add(row)
    session.flush()
    return NewUser(Principal(row.id, row.name, role, venue_id), token)


def list_users(session: Session) -> list[Principal]:
    """Every user, oldest first."""
    rows = session.scalars(select(UserRow).order_by(UserRow.id))
    return [Principal(row.id, row.name, Role(row.role), row.venue_id) for row in rows]


def authenticate(session: Session, token: str | None) -> Principal:
    """The principal owning ``token``.

    Raises:
        AuthError: when the token is missing or unknown.
    """
    if not token:
        raise AuthError(
            "missing bearer token", hint="send 'Authorization: Bearer <token>' or log in first"
        )
    row = session.scalar(select(UserRow).where(UserRow.token_hash == hash_token(token)))
    if row is None:
        raise AuthError("unknown or revoked token", hint="create one with 'hostcity users create'")
    return Principal(row.id, row.name, Role(row.role), row.venue_id)


def require_role(principal: Principal, *roles: Role) -> Principal:
    """Check that ``principal`` has one of ``roles``.

    Raises:
        ForbiddenError: naming the roles that may call.
    """
    if principal.role not in roles:
        allowed = " or ".join(r.value for r in roles)
        raise ForbiddenError(
            f"this needs the {allowed} role; your token has the {principal.role.value} role",
            hint=f"use a token created with --role {roles[0].value}",
        )
    return principal
