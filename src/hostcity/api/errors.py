"""One place that turns HostCity errors and request validation errors into JSON responses."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from hostcity.core.errors import AuthError, HostCityError

log = logging.getLogger(__name__)


async def _hostcity_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HostCityError)
    headers = {"WWW-Authenticate": "Bearer"} if type(exc) is AuthError else None
    return JSONResponse(exc.to_dict(), status_code=exc.http_status, headers=headers)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    """422 naming the first problem (``message``, ``where``) and listing all (``problems``)."""
    assert isinstance(exc, RequestValidationError)
    problems = [
        {"where": ".".join(str(part) for part in e.get("loc", ())), "message": str(e.get("msg"))}
        for e in exc.errors()
    ] or [{"where": "", "message": "invalid request"}]
    first = problems[0]
    return JSONResponse(
        {
            "error": "invalid_input",
            "message": f"{first['where']}: {first['message']}"
            if first["where"]
            else first["message"],
            "where": first["where"],
            "problems": problems,
            "hint": "see /docs for the expected request",
        },
        status_code=422,
    )


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    return JSONResponse(
        {"error": "http_error", "message": str(exc.detail)}, status_code=exc.status_code
    )


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    """A bug: the server log keeps the traceback, the caller gets a plain message."""
    log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return JSONResponse(
        {
            "error": "internal_error",
            "message": f"HostCity hit an unexpected error ({type(exc).__name__}) "
            f"on {request.method} {request.url.path}",
            "hint": "the server log has the details; please report it",
        },
        status_code=500,
    )


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers on ``app``."""
    app.add_exception_handler(Exception, _unexpected_error)
    app.add_exception_handler(HostCityError, _hostcity_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
