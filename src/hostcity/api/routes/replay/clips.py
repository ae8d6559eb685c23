"""Routes of the clips feature: request a render, read a clip, download it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from fastapi.responses import FileResponse

from hostcity.api.deps import Fan, PlatformDep, SessionDep
from hostcity.replay.clips.service import JOB_KIND, SERVICE_NAME, ClipsService, find_clip, get_clip
from hostcity.replay.clips.spec import ClipSpec

router = APIRouter(tags=["replay: clips"])


def _service(platform: PlatformDep) -> ClipsService:
    service: ClipsService = platform.service(SERVICE_NAME)
    return service


@router.post("/clips", status_code=202)
def request_clip(
    spec: ClipSpec, session: SessionDep, platform: PlatformDep, principal: Fan, response: Response
) -> dict[str, Any]:
    """Render a clip as a job; an identical earlier request returns the cached clip (200)."""
    _cameras, key = _service(platform).prepare(session, spec)
    cached = find_clip(session, key)
    if cached is not None:
        response.status_code = 200
        return {"job_id": None, **cached.to_dict()}
    job_id = platform.jobs.submit(
        JOB_KIND, {"spec": spec.model_dump(mode="json")}, owner_id=principal.user_id
    )
    return {"job_id": job_id, "clip_id": key, "cached": False}


@router.get("/clips/{clip_id}")
def clip(clip_id: str, session: SessionDep, _principal: Fan) -> dict[str, Any]:
    """One rendered clip's facts."""
    return get_clip(session, clip_id).to_dict()


@router.get("/clips/{clip_id}/download", response_class=FileResponse)
def download_clip(clip_id: str, session: SessionDep, _principal: Fan) -> FileResponse:
    """The clip's MP4 file."""
    info = get_clip(session, clip_id)
    return FileResponse(
        info.path, media_type="video/mp4", filename=f"{info.set_name}-{clip_id[:8]}.mp4"
    )
