"""Calls to the emergency routes shared by the API tests."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import auth

BASE = "/api/brain/emergency"


def post(client: TestClient, token: str, path: str, **body: Any) -> tuple[int, dict[str, Any]]:
    """POST ``body`` as JSON to ``BASE + path``; the status code and the JSON answer."""
    response = client.post(f"{BASE}{path}", json=body, headers=auth(token))
    data: dict[str, Any] = response.json()
    return response.status_code, data
