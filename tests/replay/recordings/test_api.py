"""The recordings API: roles, import as a job, offsets, thumbnails and highlights."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from hostcity.core.db import session_scope
from hostcity.core.platform import Platform
from hostcity.replay.recordings import importing, service
from tests.conftest import auth
from tests.replay.recordings import media_files


def _seed(platform: Platform, files: list[Path], name: str = "s") -> None:
    request = importing.ImportRequest(name=name, files=files)
    service.import_set(platform.session_factory, platform.settings.media_dir, request)


def test_reading_sets_needs_a_token_and_any_role_may(
    client: TestClient, tokens: dict[str, str], platform: Platform, tmp_path: Path
) -> None:
    _seed(platform, [media_files.test_video(tmp_path / "a.mp4")])
    assert client.get("/api/replay/sets").status_code == 401
    for role in ("fan", "gate", "operator"):
        response = client.get("/api/replay/sets", headers=auth(tokens[role]))
        assert response.status_code == 200
        sets = response.json()["sets"]
        assert [s["name"] for s in sets] == ["s"]
        assert "file" not in sets[0]["cameras"][0]
    one = client.get("/api/replay/sets/s", headers=auth(tokens["fan"])).json()
    assert one["cameras"][0]["thumbnails_url"].endswith("/cameras/cam1/thumbnails")
    missing = client.get("/api/replay/sets/nope", headers=auth(tokens["fan"]))
    assert missing.status_code == 404
    assert missing.json()["error"] == "not_found"


def test_import_runs_as_a_job_for_operators_only(
    client: TestClient, tokens: dict[str, str], platform: Platform, tmp_path: Path
) -> None:
    files = [str(media_files.test_video(tmp_path / f"{i}.mp4")) for i in range(2)]
    body = {"name": "api-set", "files": files, "cameras": ["left", "right"]}
    forbidden = client.post("/api/replay/sets", json=body, headers=auth(tokens["fan"]))
    assert forbidden.status_code == 403
    response = client.post("/api/replay/sets", json=body, headers=auth(tokens["operator"]))
    assert response.status_code == 202
    job = platform.jobs.wait(response.json()["job_id"], timeout_s=120)
    assert job.status.value == "succeeded", job.error
    assert job.result is not None
    assert [c["name"] for c in job.result["cameras"]] == ["left", "right"]
    again = client.post("/api/replay/sets", json=body, headers=auth(tokens["operator"]))
    assert again.status_code == 409


def test_import_with_a_bad_file_is_refused_before_any_job(
    client: TestClient, tokens: dict[str, str], platform: Platform, tmp_path: Path
) -> None:
    good = str(media_files.test_video(tmp_path / "a.mp4"))
    text = tmp_path / "b.mp4"
    text.write_text("not video")
    body = {"name": "x", "files": [good, str(text)]}
    response = client.post("/api/replay/sets", json=body, headers=auth(tokens["operator"]))
    assert response.status_code == 422
    assert "b.mp4" in response.json()["message"]
    with session_scope(platform.session_factory) as session:
        assert service.list_sets(session) == []
    empty = client.post(
        "/api/replay/sets", json={"name": "x", "files": []}, headers=auth(tokens["operator"])
    )
    assert empty.status_code == 422


def test_offsets_thumbnails_and_highlights(
    client: TestClient,
    tokens: dict[str, str],
    platform: Platform,
    footage: tuple[Path, dict[str, Any]],
    footage_files: list[Path],
) -> None:
    _seed(platform, footage_files, name="gen")
    fan, operator = auth(tokens["fan"]), auth(tokens["operator"])
    url = "/api/replay/sets/gen/cameras/cam2"
    assert client.patch(url, json={"offset_s": 1.5}, headers=fan).status_code == 403
    patched = client.patch(url, json={"offset_s": 1.5}, headers=operator)
    assert patched.status_code == 200
    cam2 = next(c for c in patched.json()["cameras"] if c["name"] == "cam2")
    assert (cam2["offset_s"], cam2["sync_method"]) == (1.5, "manual")
    assert client.patch(url, json={"offset_s": "soon"}, headers=operator).status_code == 422
    unknown = client.patch(
        "/api/replay/sets/gen/cameras/cam9", json={"offset_s": 1}, headers=operator
    )
    assert unknown.status_code == 404
    strip = client.get(f"{url}/thumbnails", headers=fan)
    assert strip.status_code == 200
    assert strip.headers["content-type"] == "image/jpeg"
    assert strip.content[:2] == b"\xff\xd8"
    found = client.get("/api/replay/sets/gen/highlights?top=2", headers=fan)
    assert found.status_code == 200
    moments = found.json()["highlights"]
    assert 1 <= len(moments) <= 2
    assert moments[0]["rank"] == 1
    assert moments[0]["best_camera"] in {"cam1", "cam2", "cam3", "cam4"}
    bad = client.get("/api/replay/sets/gen/highlights?top=0", headers=fan)
    assert bad.status_code == 422
