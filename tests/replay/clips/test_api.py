"""The clips API: a fan requests a render job, downloads it, and an identical request is cached."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from hostcity.core.platform import Platform
from hostcity.replay.clips.service import ClipsService
from hostcity.replay.types import CameraSet
from tests.conftest import auth

SPEC: dict[str, Any] = {
    "set": "test-set",
    "angles": ["cam2"],
    "start_s": 1.0,
    "end_s": 2.2,
    "format": "square",
    "lower_third": {"athlete": "A. Skater"},
}


def test_fan_renders_downloads_and_hits_the_cache(
    client: TestClient, tokens: dict[str, str], platform: Platform, clips_service: ClipsService
) -> None:
    first = client.post("/api/replay/clips", json=SPEC, headers=auth(tokens["fan"]))
    assert first.status_code == 202, first.text
    body = first.json()
    job = platform.jobs.wait(body["job_id"], timeout_s=120)
    assert job.status.value == "succeeded", job.error
    assert job.result is not None and job.result["clip_id"] == body["clip_id"]
    polled = client.get(f"/api/jobs/{body['job_id']}", headers=auth(tokens["fan"])).json()
    assert polled["progress"] == 1.0

    download = client.get(job.result["download_url"], headers=auth(tokens["fan"]))
    assert download.status_code == 200
    assert download.headers["content-type"] == "video/mp4"
    assert download.content[4:8] == b"ftyp" and len(download.content) == job.result["size_bytes"]

    again = client.post(
        "/api/replay/clips",
        json=dict(reversed(list(SPEC.items()))),
        headers=auth(tokens["operator"]),
    )
    assert again.status_code == 200
    assert again.json()["cached"] is True and again.json()["job_id"] is None
    assert again.json()["clip_id"] == body["clip_id"]

    info = client.get(f"/api/replay/clips/{body['clip_id']}", headers=auth(tokens["fan"])).json()
    assert info["format"] == "square" and info["frames"] == 30


@pytest.mark.parametrize(
    ("changes", "status", "words"),
    [
        pytest.param({"angles": ["cam7"]}, 404, "no camera 'cam7'", id="unknown-camera"),
        pytest.param({"set": "nope"}, 404, "no camera set 'nope'", id="unknown-set"),
        pytest.param({"start_s": 7.5, "end_s": 9.0}, 422, "outside camera", id="window-outside"),
        pytest.param(
            {"slowmo": {"start_s": 1, "end_s": 2.2, "factor": 8}}, 422, "longer than", id="too-long"
        ),
        pytest.param({"end_s": 0.5}, 422, "end_s must be after", id="end-before-start"),
        pytest.param(
            {"branding": {"event_name": "G", "image": "/etc/hostname"}},
            422,
            "must be a bare file name",
            id="image-outside-branding-folder",
        ),
    ],
)
def test_bad_requests_get_clear_errors_and_no_job(
    client: TestClient,
    tokens: dict[str, str],
    clips_service: ClipsService,
    *,
    changes: dict[str, Any],
    status: int,
    words: str,
) -> None:
    clips_service.settings.replay.max_clip_s = 5.0
    response = client.post(
        "/api/replay/clips", json={**SPEC, **changes}, headers=auth(tokens["fan"])
    )
    assert response.status_code == status, response.text
    assert words in response.json()["message"]
    assert client.get("/api/jobs", headers=auth(tokens["operator"])).json() == []


@pytest.mark.parametrize(
    ("role", "status"),
    [pytest.param("gate", 403, id="gate"), pytest.param(None, 401, id="anonymous")],
)
def test_only_fans_and_operators_may_render(
    client: TestClient,
    tokens: dict[str, str],
    clips_service: ClipsService,
    role: str | None,
    status: int,
) -> None:
    headers = auth(tokens[role]) if role else {}
    assert client.post("/api/replay/clips", json=SPEC, headers=headers).status_code == status
    assert client.get("/api/replay/clips/abc/download", headers=headers).status_code == status


def test_unknown_clip_is_404(client: TestClient, tokens: dict[str, str]) -> None:
    response = client.get("/api/replay/clips/deadbeef/download", headers=auth(tokens["fan"]))
    assert response.status_code == 404
    assert "render it" in response.json()["hint"]


def test_corrupt_source_fails_the_job_with_a_clear_error(
    client: TestClient,
    tokens: dict[str, str],
    platform: Platform,
    clips_service: ClipsService,
    tmp_path: Path,
) -> None:
    from tests.replay.clips.conftest import fake_resolver

    real = clips_service.resolve_set
    assert real is not None
    good = real(None, "test-set")  # type: ignore[arg-type]
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40)
    broken = CameraSet(good.id, good.name, (replace(good.cameras[0], path=junk),))
    clips_service.resolve_set = fake_resolver(broken)
    response = client.post(
        "/api/replay/clips", json={**SPEC, "angles": ["cam1"]}, headers=auth(tokens["fan"])
    )
    assert response.status_code == 202
    job = platform.jobs.wait(response.json()["job_id"], timeout_s=60)
    assert job.status.value == "failed"
    assert job.error is not None and "corrupt or truncated" in job.error
    assert list(clips_service.clips_dir.glob("*")) == []


def test_package_exports_exactly_its_public_api() -> None:
    from hostcity.replay import clips

    assert sorted(clips.__all__) == [
        "ClipFormat", "ClipInfo", "ClipSpec", "ClipsService", "CropPath", "Edl", "Loudness",
        "Segment", "SegmentKind", "TextOverlay", "build_edl", "clip_key", "inside_share",
        "plan_crop_path", "rms_jerk", "validate_against_set",
    ]  # fmt: skip
    assert all(hasattr(clips, name) for name in clips.__all__)
