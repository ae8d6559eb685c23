"""Numbers no row or place can have (ids too large for the database, NaN, infinity, lon/lat off
the globe) get a 4xx JSON answer naming the field, never a 500 or a stored row."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from hostcity.core.db import MAX_ROW_ID
from tests.conftest import auth

TOO_LARGE = str(10**21)


def _integer_path_operations(client: TestClient) -> list[tuple[str, str, list[str]]]:
    """(method, path, integer path parameters) of every route with a numeric id in its URL."""
    found = []
    for path, ops in client.get("/openapi.json").json()["paths"].items():
        for method, op in ops.items():
            numeric = [
                p["name"]
                for p in op.get("parameters", [])
                if p["in"] == "path" and p["schema"].get("type") == "integer"
            ]
            if numeric:
                found.append((method, path, numeric))
    return found


def test_the_sweep_covers_the_routes_with_numeric_ids(client: TestClient) -> None:
    paths = {path for _, path, _ in _integer_path_operations(client)}
    assert {
        "/api/brain/incidents/{incident_id}",
        "/api/brain/emergency/calls/{call_id}",
        "/api/pass/holders/{holder_id}",
        "/api/pass/athletes/{athlete_id}",
    } <= paths


@pytest.mark.parametrize("value", [TOO_LARGE, str(MAX_ROW_ID + 1)])
def test_an_id_too_large_for_any_row_is_refused_by_name(
    client: TestClient, tokens: dict[str, str], value: str
) -> None:
    for method, path, numeric in _integer_path_operations(client):
        url = path
        for name in numeric:
            url = url.replace("{" + name + "}", value)
        url = re.sub(r"\{[^}]+\}", "confirm", url)  # the incident action
        response = client.request(method.upper(), url, headers=auth(tokens["operator"]))
        assert response.status_code == 422, f"{method.upper()} {url}: {response.text}"
        body = response.json()
        assert body["error"] == "invalid_input"
        assert body["where"] == f"path.{numeric[0]}"
        assert str(MAX_ROW_ID) in body["message"]


def test_the_largest_id_is_looked_up_and_not_found(
    client: TestClient, tokens: dict[str, str]
) -> None:
    response = client.get(f"/api/brain/incidents/{MAX_ROW_ID}", headers=auth(tokens["operator"]))
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


@pytest.mark.parametrize("name", [TOO_LARGE, "²", "999"])
def test_a_camera_set_named_by_a_number_no_row_has_is_not_found(
    client: TestClient, tokens: dict[str, str], name: str
) -> None:
    response = client.get(f"/api/replay/sets/{name}", headers=auth(tokens["fan"]))
    assert response.status_code == 404, response.text
    assert name in response.json()["message"]


def _number_fields(spec: dict[str, Any], schema: dict[str, Any]) -> list[str]:
    """Top-level body fields that take a number (int or float)."""
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].split("/")[-1]]
    fields = []
    for name, prop in schema.get("properties", {}).items():
        types = {prop.get("type")} | {option.get("type") for option in prop.get("anyOf", [])}
        if types & {"number", "integer"}:
            fields.append(name)
    return fields


def _json_body_operations(client: TestClient) -> list[tuple[str, str, list[str]]]:
    spec = client.get("/openapi.json").json()
    found = []
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            fields = _number_fields(spec, body["schema"]) if body else []
            if fields:
                found.append((method, path, fields))
    return found


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity"])
def test_a_number_that_is_not_finite_is_refused_in_every_body(
    client: TestClient, tokens: dict[str, str], token: str
) -> None:
    operations = _json_body_operations(client)
    assert any(path == "/api/brain/incidents" for _, path, _ in operations)
    for method, path, fields in operations:
        url = re.sub(r"\{[^}]+\}", "1", path)
        for field in fields:
            # Python's JSON parser reads the bare token, so a client can send it
            raw = f'{{"{field}": {token}}}'
            response = client.request(
                method.upper(),
                url,
                content=raw,
                headers={**auth(tokens["operator"]), "Content-Type": "application/json"},
            )
            where = f"{method.upper()} {url} {field}={token}"
            assert response.status_code == 422, f"{where}: {response.text}"
            named = [problem["where"] for problem in response.json()["problems"]]
            # a union type is named per member: body.target.int
            assert any(n == f"body.{field}" or n.startswith(f"body.{field}.") for n in named), where


@pytest.mark.parametrize(
    ("lon", "lat"),
    [(200.0, 10.0), (10.0, -91.0)],
)
def test_an_incident_reported_off_the_globe_is_refused(
    client: TestClient, tokens: dict[str, str], lon: float, lat: float
) -> None:
    body = {"edge_id": "e1", "lon": lon, "lat": lat}
    response = client.post("/api/brain/incidents", json=body, headers=auth(tokens["operator"]))
    assert response.status_code == 422
    assert response.json()["where"] in {"body.lon", "body.lat"}
    listed = client.get("/api/brain/incidents", headers=auth(tokens["operator"])).json()
    assert listed["incidents"] == []
