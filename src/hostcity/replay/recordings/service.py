"""Camera sets in storage: register, look up, list, and adjust offsets."""

from __future__ import annotations

import math
import shutil
import uuid
from fractions import Fraction
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload, sessionmaker

from hostcity.core.db import MAX_ROW_ID, session_scope
from hostcity.core.errors import ConflictError, InputError, NotFoundError
from hostcity.replay.recordings import importing
from hostcity.replay.recordings.adapters import media
from hostcity.replay.recordings.adapters.tables import CameraRow, CameraSetRow
from hostcity.replay.recordings.highlights import Highlight, find_highlights
from hostcity.replay.types import Camera, CameraSet

Track = dict[str, list[tuple[float, float, float, float, float]]]


def _camera(row: CameraRow) -> Camera:
    return Camera(
        name=row.name,
        path=Path(row.path),
        offset_s=row.offset_s,
        duration_s=row.duration_s,
        fps=Fraction(row.fps_num, row.fps_den),
        width=row.width,
        height=row.height,
        has_audio=row.has_audio,
        position=row.position,
        angle_deg=row.angle_deg,
    )


def _track(raw: dict[str, Any] | None) -> Track | None:
    if not raw:
        return None
    return {
        str(cam): [(float(p[0]), float(p[1]), float(p[2]), float(p[3]), float(p[4])) for p in pts]
        for cam, pts in raw.items()
    }


def to_camera_set(row: CameraSetRow) -> CameraSet:
    """The shared plain-data view of a stored set, cameras ordered by position."""
    cameras = sorted(row.cameras, key=lambda c: (c.position, c.name))
    return CameraSet(
        id=row.id,
        name=row.name,
        cameras=tuple(_camera(c) for c in cameras),
        action_track=_track(row.action_track),
    )


def get_set_row(session: Session, name_or_id: str | int) -> CameraSetRow:
    """The stored set named ``name_or_id`` (or with that numeric id), cameras loaded.

    Raises:
        NotFoundError: naming the set, with how to list the known ones.
    """
    query = select(CameraSetRow).options(selectinload(CameraSetRow.cameras))
    row: CameraSetRow | None = None
    if isinstance(name_or_id, str):
        row = session.scalar(query.where(CameraSetRow.name == name_or_id))
    number = str(name_or_id)
    if row is None and number.isdecimal() and int(number) <= MAX_ROW_ID:
        row = session.scalar(query.where(CameraSetRow.id == int(number)))
    if row is None:
        raise NotFoundError(
            f"no camera set {name_or_id!r}",
            hint="list sets with 'hostcity replay sets' or GET /api/replay/sets",
        )
    return row


def get_set(session: Session, name_or_id: str | int) -> CameraSet:
    """The camera set named ``name_or_id`` (or with that numeric id).

    Raises:
        NotFoundError: when there is no such set.
    """
    return to_camera_set(get_set_row(session, name_or_id))


def list_sets(session: Session) -> list[CameraSet]:
    """Every registered camera set, oldest first."""
    query = (
        select(CameraSetRow)
        .options(selectinload(CameraSetRow.cameras))
        .order_by(CameraSetRow.created_at, CameraSetRow.id)
    )
    return [to_camera_set(row) for row in session.scalars(query)]


def set_offset(session: Session, set_name: str | int, camera: str, offset_s: float) -> CameraSet:
    """Set one camera's offset on the shared timeline by hand.

    Raises:
        NotFoundError: for an unknown set or camera.
        InputError: for an offset that is not a finite number of seconds.
    """
    if not math.isfinite(offset_s) or abs(offset_s) > 86_400:
        raise InputError(
            f"offset {offset_s} s is not usable", hint="give a number of seconds within one day"
        )
    row = get_set_row(session, set_name)
    for cam in row.cameras:
        if cam.name == camera:
            cam.offset_s = float(offset_s)
            cam.sync_method = "manual"
            cam.sync_confidence = None
            session.flush()
            return to_camera_set(row)
    to_camera_set(row).camera(camera)  # raises NotFoundError naming the cameras
    raise AssertionError("unreachable")


def import_set(
    session_factory: sessionmaker[Session],
    media_root: Path,
    request: importing.ImportRequest,
    report: importing.Report | None = None,
) -> CameraSet:
    """Probe, store, analyse and synchronise a set of videos, then register it.

    Every file is probed before anything is written; on any failure the set's folder is
    removed and no row is added, so nothing is half-registered. The slow analysis runs
    outside any database transaction, so progress writes and other requests are not blocked.

    Args:
        session_factory: Storage; the rows are written and committed in one transaction.
        media_root: ``settings.media_dir``; the set gets a folder under ``recordings/``.
        request: What to import.
        report: Progress callback ``(fraction, message)``.

    Raises:
        ConflictError: when a set of that name exists.
        InputError: for a bad request or an unusable file, naming it and why.
        StorageError: when the disk is full or not writable.
        DependencyError: when FFmpeg fails.
    """
    progress = report or (lambda _f, _m: None)
    importing.camera_names(request)
    with session_scope(session_factory) as session:
        _check_name_free(session, request.name)
    folder = media_root / "recordings" / f"{request.name}-{uuid.uuid4().hex[:8]}"
    try:
        prepared = importing.prepare(request, folder, progress)
        with session_scope(session_factory) as session:
            row = CameraSetRow(
                name=request.name,
                media_dir=str(folder.resolve()),
                sync_method=_set_method(prepared),
                action_track=request.track,
            )
            for cam in prepared:
                row.cameras.append(_camera_row(cam))
            session.add(row)
            session.flush()
            cset = to_camera_set(row)
    except IntegrityError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise ConflictError(
            f"a camera set named {request.name!r} already exists", hint="choose another name"
        ) from exc
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    progress(1.0, "imported")
    return cset


def _check_name_free(session: Session, name: str) -> None:
    if session.scalar(select(CameraSetRow.id).where(CameraSetRow.name == name)) is not None:
        raise ConflictError(
            f"a camera set named {name!r} already exists",
            hint="choose another name, or look at it with 'hostcity replay sets'",
        )


def check_import(session: Session, request: importing.ImportRequest) -> None:
    """Fail fast, before a job is queued: bad request, taken name, or unusable files.

    Raises:
        InputError: for a bad request or file.
        ConflictError: when the name is taken.
    """
    importing.camera_names(request)
    _check_name_free(session, request.name)
    importing.probe_all(request.files)


def _set_method(prepared: list[importing.PreparedCamera]) -> str:
    methods = {c.alignment.method for c in prepared}
    return methods.pop() if len(methods) == 1 else "mixed"


def _camera_row(cam: importing.PreparedCamera) -> CameraRow:
    fps = cam.info.fps
    return CameraRow(
        name=cam.name,
        path=str(cam.path.resolve()),
        original_path=str(cam.original),
        position=cam.position,
        angle_deg=cam.angle_deg,
        offset_s=cam.alignment.offset_s,
        sync_method=cam.alignment.method,
        sync_confidence=cam.alignment.confidence,
        duration_s=cam.info.duration_s,
        fps_num=fps.numerator,
        fps_den=fps.denominator,
        width=cam.info.width,
        height=cam.info.height,
        video_codec=cam.info.video_codec,
        has_audio=cam.info.has_audio,
        thumbs_path=str(cam.thumbs.resolve()),
        thumb_interval_s=cam.thumb_interval_s,
        thumb_count=cam.thumb_count,
    )


def describe_set(row: CameraSetRow) -> dict[str, Any]:
    """A JSON-ready view of a set for the CLI and the UI: cameras, timeline and sync."""
    cset = to_camera_set(row)
    by_name = {c.name: c for c in row.cameras}
    return {
        "id": cset.id,
        "name": cset.name,
        "sync_method": row.sync_method,
        "created_at": row.created_at.isoformat(),
        "start_s": round(cset.start_s, 3),
        "end_s": round(cset.end_s, 3),
        "has_action_track": bool(cset.action_track),
        "cameras": [
            {
                "name": cam.name,
                "position": cam.position,
                "angle_deg": cam.angle_deg,
                "offset_s": round(cam.offset_s, 4),
                "start_s": round(cam.start_s, 3),
                "end_s": round(cam.end_s, 3),
                "duration_s": round(cam.duration_s, 3),
                "fps": f"{cam.fps.numerator}/{cam.fps.denominator}",
                "width": cam.width,
                "height": cam.height,
                "video_codec": by_name[cam.name].video_codec,
                "has_audio": cam.has_audio,
                "sync_method": by_name[cam.name].sync_method,
                "sync_confidence": by_name[cam.name].sync_confidence,
                "thumb_interval_s": by_name[cam.name].thumb_interval_s,
                "thumb_count": by_name[cam.name].thumb_count,
                "file": str(cam.path),
            }
            for cam in cset.cameras
        ],
    }


def thumbnails_path(session: Session, set_name: str | int, camera: str) -> Path:
    """The JPEG thumbnail strip of one camera.

    Raises:
        NotFoundError: for an unknown set or camera, or a strip that is missing on disk.
    """
    row = get_set_row(session, set_name)
    to_camera_set(row).camera(camera)
    cam = next(c for c in row.cameras if c.name == camera)
    if not cam.thumbs_path or not Path(cam.thumbs_path).is_file():
        raise NotFoundError(
            f"camera {camera!r} of set {row.name!r} has no thumbnails on disk",
            hint="import the set again to rebuild them",
        )
    return Path(cam.thumbs_path)


def highlights(session: Session, set_name: str | int, *, top: int = 10) -> list[Highlight]:
    """The best moments of a set, best first, each with a window and its best angle.

    Raises:
        NotFoundError: for an unknown set.
        InputError: for ``top`` below 1.
    """
    row = get_set_row(session, set_name)
    cset = to_camera_set(row)
    folder = Path(row.media_dir)
    signals = {}
    for cam in cset.cameras:
        cached = importing.load_signals(folder, cam.name)
        if cached is None:
            info = media.probe(cam.path)
            cached = importing.analyse(cam.path, info, folder / f"{cam.name}.thumbs.jpg", 2.0)[0]
            importing.save_signals(folder, cam.name, cached)
        signals[cam.name] = cached
    return find_highlights(cset, signals, top=top)
