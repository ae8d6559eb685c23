"""Routes of the recordings feature: camera sets, offsets, thumbnails and highlights."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse
from pydantic import Field

from hostcity.api.deps import AnyUser, Operator, PlatformDep, SessionDep
from hostcity.api.inputs import InputModel
from hostcity.replay.recordings import jobs, service

router = APIRouter(tags=["replay: recordings"])


class ImportBody(InputModel):
    """A set to import from video files already on the server."""

    name: str = Field(description="unique set name")
    files: list[str] = Field(min_length=1, description="server paths, one video per camera")
    cameras: list[str] | None = Field(default=None, description="camera names, one per file")
    positions: list[int] | None = None
    angles_deg: list[float] | None = None
    sync: str = Field(default="auto", description="auto, timecode, creation_time, audio, none")
    copy_files: bool = Field(default=True, description="copy into the media directory")
    track_file: str | None = Field(default=None, description="truth.json of generated footage")


class OffsetBody(InputModel):
    """A camera's offset set by hand."""

    offset_s: float = Field(description="shared-timeline time of the file's t=0, in seconds")


def _with_urls(view: dict[str, Any]) -> dict[str, Any]:
    for cam in view["cameras"]:
        cam["thumbnails_url"] = f"/api/replay/sets/{view['id']}/cameras/{cam['name']}/thumbnails"
        cam.pop("file", None)  # server paths are not the caller's business
    return view


@router.get("/sets")
def list_sets(session: SessionDep, _user: AnyUser) -> dict[str, Any]:
    """Every camera set with its cameras, offsets and timeline."""
    views = [
        _with_urls(service.describe_set(service.get_set_row(session, s.id)))
        for s in service.list_sets(session)
    ]
    return {"sets": views}


@router.get("/sets/{set_name}")
def get_set(set_name: str, session: SessionDep, _user: AnyUser) -> dict[str, Any]:
    """One set by name or id."""
    return _with_urls(service.describe_set(service.get_set_row(session, set_name)))


@router.post("/sets", status_code=202)
def import_set(
    body: ImportBody, session: SessionDep, platform: PlatformDep, user: Operator
) -> dict[str, Any]:
    """Probe the files now, then import the set in a job; returns the job id."""
    params: dict[str, Any] = body.model_dump(exclude={"copy_files"})
    params["copy"] = body.copy_files
    request = jobs.request_from_params(params)
    service.check_import(session, request)
    job_id = platform.jobs.submit(jobs.IMPORT_KIND, params, owner_id=user.user_id)
    return {"job_id": job_id, "status_url": f"/api/jobs/{job_id}"}


@router.patch("/sets/{set_name}/cameras/{camera}")
def set_offset(
    set_name: str, camera: str, body: OffsetBody, session: SessionDep, _user: Operator
) -> dict[str, Any]:
    """Set one camera's offset by hand."""
    cset = service.set_offset(session, set_name, camera, body.offset_s)
    return _with_urls(service.describe_set(service.get_set_row(session, cset.id)))


@router.get("/sets/{set_name}/cameras/{camera}/thumbnails", response_class=FileResponse)
def thumbnails(set_name: str, camera: str, session: SessionDep, _user: AnyUser) -> FileResponse:
    """The camera's thumbnail strip: one JPEG, tiles left to right every ``thumb_interval_s``."""
    path: Path = service.thumbnails_path(session, set_name, camera)
    return FileResponse(path, media_type="image/jpeg")


@router.get("/sets/{set_name}/highlights")
def highlights(
    set_name: str,
    session: SessionDep,
    _user: AnyUser,
    top: int = Query(default=5, ge=1, le=50),
) -> dict[str, Any]:
    """The set's best moments, each with a window and its best angle."""
    found = service.highlights(session, set_name, top=top)
    return {"set": set_name, "highlights": [h.to_dict() for h in found]}
