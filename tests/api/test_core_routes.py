"""Core routes: roles on every route, users, jobs, and clear JSON errors."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from hostcity.core.jobs import JobContext
from hostcity.core.platform import Platform
from tests.conftest import auth

# the consent text is read before login; health and readiness are for probes
PUBLIC_ROUTES = {"/api/health", "/api/ready", "/api/pass/consent"}


def _operations(client: TestClient) -> list[tuple[str, str]]:
    paths = client.get("/openapi.json").json()["paths"]
    return [(method, path) for path, ops in paths.items() for method in ops]


def test_openapi_lists_the_core_routes(client: TestClient) -> None:
    listed = set(_operations(client))
    for operation in [
        ("get", "/api/health"),
        ("get", "/api/me"),
        ("get", "/api/jobs"),
        ("get", "/api/jobs/{job_id}"),
        ("get", "/api/users"),
        ("post", "/api/users"),
    ]:
        assert operation in listed


def test_every_non_public_route_declares_a_role(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    unguarded = [
        f"{method.upper()} {path}"
        for path, ops in paths.items()
        for method, op in ops.items()
        if path not in PUBLIC_ROUTES and not op.get("security")
    ]
    assert unguarded == []


def test_every_non_public_route_answers_401_without_a_token(client: TestClient) -> None:
    for method, path in _operations(client):
        if path in PUBLIC_ROUTES:
            continue
        url = re.sub(r"\{[^}]+\}", "x", path)
        response = client.request(method.upper(), url)
        assert response.status_code == 401, f"{method.upper()} {path}"
        assert response.json()["error"] == "unauthorized"


@pytest.mark.parametrize(
    ("token_role", "status"),
    [
        pytest.param("operator", 200, id="operator"),
        pytest.param("fan", 403, id="fan"),
        pytest.param("gate", 403, id="gate"),
    ],
)
def test_users_list_is_for_operators(
    client: TestClient, tokens: dict[str, str], token_role: str, status: int
) -> None:
    response = client.get("/api/users", headers=auth(tokens[token_role]))
    assert response.status_code == status
    if status == 403:
        assert response.json()["error"] == "forbidden"
        assert "operator" in response.json()["message"]
    else:
        assert {u["role"] for u in response.json()} == {"operator", "fan", "gate"}
        assert "token" not in response.text


def test_wrong_token_is_401(client: TestClient) -> None:
    response = client.get("/api/users", headers=auth("hc_not-a-real-token"))
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


def test_operator_creates_user_and_the_token_works(
    client: TestClient, tokens: dict[str, str]
) -> None:
    made = client.post(
        "/api/users",
        json={"name": "gate A", "role": "gate", "venue_id": "v1"},
        headers=auth(tokens["operator"]),
    )
    assert made.status_code == 201
    me = client.get("/api/me", headers=auth(made.json()["token"])).json()
    assert me == {"id": made.json()["id"], "name": "gate A", "role": "gate", "venue_id": "v1"}


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        pytest.param({"name": "x", "role": "king"}, "unknown role", id="bad-role"),
        pytest.param({"name": "g", "role": "gate"}, "venue", id="gate-without-venue"),
        pytest.param({"role": "fan"}, "name", id="missing-name"),
    ],
)
def test_bad_user_requests_are_explained(
    client: TestClient, tokens: dict[str, str], body: dict[str, str], fragment: str
) -> None:
    response = client.post("/api/users", json=body, headers=auth(tokens["operator"]))
    assert response.status_code == 422
    assert fragment in response.json()["message"]


def test_unknown_job_is_404(client: TestClient, tokens: dict[str, str]) -> None:
    response = client.get("/api/jobs/does-not-exist", headers=auth(tokens["operator"]))
    assert response.status_code == 404
    assert "does-not-exist" in response.json()["message"]


def test_jobs_are_visible_to_owner_and_operators_only(
    client: TestClient, platform: Platform, tokens: dict[str, str]
) -> None:
    def double(_ctx: JobContext, params: Any) -> dict[str, Any]:
        return {"value": params["x"] * 2}

    platform.jobs.registry.register("test.double", double)
    fan_id = client.get("/api/me", headers=auth(tokens["fan"])).json()["id"]
    job_id = platform.jobs.submit("test.double", {"x": 21}, owner_id=fan_id)
    platform.jobs.wait(job_id)
    as_fan = client.get(f"/api/jobs/{job_id}", headers=auth(tokens["fan"]))
    assert as_fan.status_code == 200
    assert as_fan.json()["result"] == {"value": 42}
    assert as_fan.json()["status"] == "succeeded"
    assert client.get(f"/api/jobs/{job_id}", headers=auth(tokens["operator"])).status_code == 200
    assert client.get(f"/api/jobs/{job_id}", headers=auth(tokens["gate"])).status_code == 403
    listed = client.get("/api/jobs", headers=auth(tokens["gate"])).json()
    assert listed == []


def test_an_unexpected_error_is_a_plain_json_message_not_a_traceback(
    settings: Any, platform: Platform, caplog: pytest.LogCaptureFixture
) -> None:
    from hostcity.api.app import create_app

    caplog.errors_expected = True  # type: ignore[attr-defined]  # the bug is logged, as it must be
    app = create_app(settings, platform=platform)

    @app.get("/api/test-bug")
    def bug() -> None:
        raise ZeroDivisionError("division by zero in a route")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/test-bug")
    assert response.status_code == 500
    body = response.json()
    assert body["error"] == "internal_error"
    assert body["message"] == (
        "HostCity hit an unexpected error (ZeroDivisionError) on GET /api/test-bug"
    )
    assert "Traceback" not in response.text and "division by zero" not in response.text
    assert any("division by zero" in (r.exc_text or "") for r in caplog.records)  # logged


@pytest.mark.parametrize(
    ("page", "script"),
    [("/docs", "swagger-ui-bundle.js"), ("/redoc", "redoc.standalone.js")],
)
def test_the_api_reference_is_served_without_any_outside_address(
    client: TestClient, page: str, script: str
) -> None:
    html = client.get(page)
    assert html.status_code == 200
    assert f"/docs-assets/{script}" in html.text
    assert "/openapi.json" in html.text
    # no CDN (FastAPI's own pages load from one): an offline operations centre reads it too
    assert re.findall(r"(?:src|href)=\"https?://", html.text) == []
    assert client.get(f"/docs-assets/{script}").status_code == 200


def test_readiness_says_whether_the_database_answers(
    client: TestClient, platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    response = client.get("/api/ready")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert body["database"]["kind"] == "sqlite" and body["database"]["ok"] is True
    from hostcity.core.db import create_db_engine

    gone = create_db_engine("postgresql+psycopg://ops:s3cret@127.0.0.1:1/hostcity")
    monkeypatch.setattr(platform, "engine", gone)  # a database server that went away
    response = client.get("/api/ready")
    assert response.status_code == 503
    down = response.json()
    assert down["status"] == "unavailable" and down["database"]["ok"] is False
    assert "does not answer" in down["database"]["message"]
    assert "s3cret" not in response.text
    assert client.get("/api/health").status_code == 200  # alive, only not ready
    gone.dispose()
