"""The health route and authentication errors."""

from __future__ import annotations

from fastapi.testclient import TestClient

from hostcity import __version__
from tests.conftest import auth


def test_health_reports_version_and_database(client: TestClient) -> None:
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "version": __version__, "database": "sqlite"}


def test_me_without_token_is_401_with_clear_json(client: TestClient) -> None:
    response = client.get("/api/me")
    assert response.status_code == 401
    body = response.json()
    assert body["error"] == "unauthorized"
    assert "token" in body["message"]


def test_me_with_token_names_the_role(client: TestClient, tokens: dict[str, str]) -> None:
    response = client.get("/api/me", headers=auth(tokens["fan"]))
    assert response.status_code == 200
    assert response.json()["role"] == "fan"
