"""The clips service: resolve a set, reuse a cached clip or render one, and the render job."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from hostcity.core.db import session_scope
from hostcity.core.errors import DependencyError, InputError, NotFoundError
from hostcity.core.jobs import JobContext
from hostcity.core.settings import Settings
from hostcity.replay.clips.adapters.tables import ClipRow
from hostcity.replay.clips.render import render_clip
from hostcity.replay.clips.spec import ClipSpec, validate_against_set
from hostcity.replay.types import CameraSet

JOB_KIND = "replay.render"
SERVICE_NAME = "replay.clips"
RENDER_VERSION = "clips-1"

SetResolver = Callable[[Session, str], CameraSet]
ProgressFn = Callable[[float, str], None]


def resolve_with_recordings(session: Session, name_or_id: str) -> CameraSet:
    """Look a camera set up through the recordings feature.

    Raises:
        NotFoundError: when the set does not exist.
        DependencyError: when the recordings feature is not installed.
    """
    try:
        from hostcity.replay.recordings import service as recordings
    except ImportError as exc:
        raise DependencyError(
            "the replay recordings feature is not available, so camera sets cannot be looked up",
            hint="install a HostCity build that includes replay recordings",
        ) from exc
    get_set: SetResolver = recordings.get_set
    return get_set(session, name_or_id)


def clip_key(spec: ClipSpec, cameras: CameraSet) -> str:
    """The cache key: the normalised spec plus each source file's identity and offset."""
    sources = []
    for cam in cameras.cameras:
        try:
            stat = cam.path.stat()
            identity = [str(cam.path.resolve()), stat.st_size, stat.st_mtime_ns]
        except OSError:
            identity = [str(cam.path), -1, -1]
        sources.append([cam.name, cam.offset_s, *identity])
    if spec.branding and spec.branding.image:
        image = Path(spec.branding.image)
        stat_image = image.stat() if image.is_file() else None
        sources.append(
            [
                "image",
                str(image),
                *([stat_image.st_size, stat_image.st_mtime_ns] if stat_image else [-1, -1]),
            ]
        )
    payload = json.dumps(
        [RENDER_VERSION, spec.model_dump(mode="json"), sources, cameras.action_track is not None],
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


@dataclass(frozen=True)
class ClipInfo:
    """A rendered clip as callers see it."""

    id: str
    set_name: str
    path: Path
    format: str
    frames: int
    duration_s: float
    size_bytes: int
    cached: bool = False

    @classmethod
    def from_row(cls, row: ClipRow, *, cached: bool = False) -> ClipInfo:
        """Build from a stored row."""
        return cls(
            row.id,
            row.set_name,
            Path(row.path),
            row.format,
            row.frames,
            row.duration_s,
            row.size_bytes,
            cached,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return {
            "clip_id": self.id,
            "set": self.set_name,
            "format": self.format,
            "frames": self.frames,
            "duration_s": self.duration_s,
            "size_bytes": self.size_bytes,
            "cached": self.cached,
            "download_url": f"/api/replay/clips/{self.id}/download",
        }


def find_clip(session: Session, clip_id: str) -> ClipInfo | None:
    """The stored clip ``clip_id`` when its file still exists."""
    row = session.get(ClipRow, clip_id)
    if row is None or not Path(row.path).is_file():
        return None
    return ClipInfo.from_row(row, cached=True)


def get_clip(session: Session, clip_id: str) -> ClipInfo:
    """The stored clip ``clip_id``.

    Raises:
        NotFoundError: when there is no such clip (or its file is gone).
    """
    info = find_clip(session, clip_id)
    if info is None:
        raise NotFoundError(
            f"no rendered clip with id {clip_id!r}",
            hint="render it with POST /api/replay/clips or 'hostcity replay render'",
        )
    return info


@dataclass
class ClipsService:
    """Renders clips for the API, the CLI and jobs; one per platform.

    Attributes:
        settings: The platform settings (data dir, replay section).
        session_factory: Database sessions.
        resolve_set: Looks a camera set up by name or id; None uses the recordings feature.
    """

    settings: Settings
    session_factory: sessionmaker[Session]
    resolve_set: SetResolver | None = None
    _locks: dict[str, threading.Lock] = field(default_factory=dict, repr=False)
    _guard: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def clips_dir(self) -> Path:
        """Where rendered clips are stored."""
        return self.settings.media_dir / "clips"

    @property
    def branding_dir(self) -> Path:
        """Where logos for branded cards must live when a clip is requested over the API."""
        return self.settings.media_dir / "branding"

    def check_image(self, spec: ClipSpec, *, allow_local_files: bool) -> None:
        """Check the branding image exists and, for remote callers, lies in ``branding_dir``.

        Raises:
            InputError: for a missing image or one outside the branding folder.
        """
        if spec.branding is None or spec.branding.image is None:
            return
        image = Path(spec.branding.image)
        if not allow_local_files:
            image = self.branding_dir / image.name
            if image.name != spec.branding.image:
                raise InputError(
                    f"branding image {spec.branding.image!r} must be a bare file name",
                    hint=f"put logos in {self.branding_dir} and name them only",
                )
        if not image.is_file():
            raise InputError(
                f"branding image {image} does not exist", hint="pass a PNG or JPEG that exists"
            )

    def prepare(
        self, session: Session, spec: ClipSpec, *, allow_local_files: bool = False
    ) -> tuple[CameraSet, str]:
        """Resolve and validate a request; returns the set and the cache key.

        Args:
            session: Storage.
            spec: The request.
            allow_local_files: Let the branding image be any local path (the CLI); remote
                callers may only name a file in ``branding_dir``.

        Raises:
            NotFoundError: for an unknown set or camera.
            InputError: for a bad window, a clip too long or a bad branding image.
        """
        self.check_image(spec, allow_local_files=allow_local_files)
        resolver = self.resolve_set or resolve_with_recordings
        cameras = resolver(session, spec.set)
        validate_against_set(spec, cameras, max_clip_s=self.settings.replay.max_clip_s)
        return cameras, clip_key(spec, cameras)

    def render(
        self,
        spec: ClipSpec,
        progress: ProgressFn | None = None,
        *,
        allow_local_files: bool = False,
    ) -> ClipInfo:
        """Return the cached clip for ``spec``, or render and store it.

        Raises:
            NotFoundError, InputError, StorageError, DependencyError: see ``render_clip``.
        """
        with session_scope(self.session_factory) as session:
            cameras, key = self.prepare(session, spec, allow_local_files=allow_local_files)
        if spec.branding and spec.branding.image and not allow_local_files:
            branding = spec.branding.model_copy(
                update={"image": str(self.branding_dir / spec.branding.image)}
            )
            spec = spec.model_copy(update={"branding": branding})
        with session_scope(self.session_factory) as session:
            cached = find_clip(session, key)
        if cached is not None:
            return cached
        with self._lock_for(key):
            with session_scope(self.session_factory) as session:
                cached = find_clip(session, key)
            if cached is not None:
                return cached
            output = self.clips_dir / f"{key}.mp4"
            facts = render_clip(
                spec,
                cameras,
                output,
                max_clip_s=self.settings.replay.max_clip_s,
                threads=self.settings.replay.render_threads,
                progress=progress,
            )
            with session_scope(self.session_factory) as session:
                row = session.get(ClipRow, key) or ClipRow(id=key)
                row.set_name, row.spec = cameras.name, spec.model_dump(mode="json")
                row.path, row.format = str(output), spec.format.value
                row.frames, row.duration_s = facts.frames, facts.duration_s
                row.size_bytes = output.stat().st_size
                session.merge(row)
            return ClipInfo(key, cameras.name, output, spec.format.value, row.frames,
                            row.duration_s, row.size_bytes)  # fmt: skip

    def run_job(self, ctx: JobContext, params: Mapping[str, Any]) -> dict[str, Any]:
        """The ``replay.render`` job: ``params = {"spec": {...}}``."""
        spec = ClipSpec.parse(params.get("spec"))
        info = self.render(spec, progress=ctx.progress)
        return info.to_dict()

    def _lock_for(self, key: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())
