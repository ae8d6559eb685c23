"""The one exception tree of HostCity.

    HostCityError                      every error a user can see; message says what to do
    ├── ConfigError                    bad settings or environment
    ├── InputError (ValueError)        malformed input: files, payloads, options
    │   └── ValidationFailed           a batch or document failed validation (names the field)
    ├── NotFoundError (LookupError)    an unknown id (job, user, detector, set, ...)
    ├── ConflictError                  the request clashes with current state (busy unit, duplicate)
    ├── AuthError                      missing or wrong credentials            -> 401
    │   └── ForbiddenError             credentials fine, role or scope wrong   -> 403
    ├── RateLimitedError               too many requests                       -> 429
    ├── DependencyError                an external tool (SUMO, FFmpeg, dlib) is missing or failed
    └── StorageError                   the database or the disk failed (full disk, locked file)

Pillars subclass these (for example ``brain.errors.ScenarioError(InputError)``)
so the API and the CLI can map every error in one place.
"""

from __future__ import annotations


class HostCityError(Exception):
    """Root of every error HostCity raises on purpose.

    Args:
        message: What went wrong, naming the thing at fault.
        hint: What the user can do about it.
    """

    http_status = 500
    code = "error"

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message

    def to_dict(self) -> dict[str, str]:
        """The JSON body the API sends for this error."""
        body = {"error": self.code, "message": self.message}
        if self.hint:
            body["hint"] = self.hint
        return body


class ConfigError(HostCityError):
    """Settings or the environment are wrong."""

    http_status = 500
    code = "config_error"


class InputError(HostCityError, ValueError):
    """Input from a user or a device is malformed."""

    http_status = 422
    code = "invalid_input"


class ValidationFailed(InputError):
    """A document or batch failed validation; ``where`` names the entity and field."""

    code = "validation_failed"

    def __init__(self, message: str, *, where: str | None = None, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.where = where

    def to_dict(self) -> dict[str, str]:
        body = super().to_dict()
        if self.where:
            body["where"] = self.where
        return body


class NotFoundError(HostCityError, LookupError):
    """An id that does not exist."""

    http_status = 404
    code = "not_found"


class ConflictError(HostCityError):
    """The request clashes with the current state."""

    http_status = 409
    code = "conflict"


class AuthError(HostCityError):
    """Missing or wrong credentials."""

    http_status = 401
    code = "unauthorized"


class ForbiddenError(AuthError):
    """Valid credentials without the needed role or scope."""

    http_status = 403
    code = "forbidden"


class RateLimitedError(HostCityError):
    """Too many requests in a short time."""

    http_status = 429
    code = "rate_limited"


class DependencyError(HostCityError):
    """An external tool is missing or failed."""

    http_status = 503
    code = "dependency_error"


class StorageError(HostCityError):
    """The database or the disk failed."""

    http_status = 507
    code = "storage_error"
