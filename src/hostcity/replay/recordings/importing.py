"""Import of a camera set: validate, probe every file, copy, analyse and synchronise."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from hostcity.core.errors import InputError, StorageError
from hostcity.replay.recordings import sync
from hostcity.replay.recordings.adapters import media
from hostcity.replay.recordings.highlights import CameraSignals, motion_energy
from hostcity.replay.recordings.loudness import momentary_loudness

AUDIO_RATE_HZ = 16_000
SYNC_METHODS = ("auto", "timecode", "creation_time", "audio", "none")
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
Report = Callable[[float, str], None]


@dataclass(frozen=True)
class ImportRequest:
    """What to register: a set name, its files and optional per-camera details.

    Attributes:
        name: The set's unique name (letters, digits, '.', '_', '-').
        files: One video per camera.
        cameras: Camera names, one per file; default cam1, cam2, ...
        positions: Sweep order around the venue, one per file; default the file order.
        angles_deg: Optional bearings, one per file.
        sync: 'auto' (timecode, then creation time, then audio), or one method, or 'none'.
        copy: Copy (or hard-link) files into the media directory; False references them.
        track: Optional known action boxes per camera name (see ``CameraSet.action_track``).
        thumb_interval_s: Seconds between thumbnails.
    """

    name: str
    files: Sequence[Path]
    cameras: Sequence[str] | None = None
    positions: Sequence[int] | None = None
    angles_deg: Sequence[float] | None = None
    sync: str = "auto"
    copy: bool = True
    track: dict[str, list[list[float]]] | None = None
    thumb_interval_s: float = 2.0


@dataclass
class PreparedCamera:
    """A probed, stored and analysed camera, ready to be written to the database."""

    name: str
    info: media.MediaInfo
    path: Path
    original: Path
    position: int
    angle_deg: float | None
    alignment: sync.Alignment
    thumbs: Path
    thumb_interval_s: float
    thumb_count: int
    signals: CameraSignals
    envelope: NDArray[np.float64] = field(repr=False)


def camera_names(request: ImportRequest) -> list[str]:
    """Check the request's shape and return one camera name per file.

    Raises:
        InputError: for a bad set name, no files, or names/positions/angles that do not
            match the files.
    """
    if not NAME_PATTERN.match(request.name):
        raise InputError(
            f"bad set name {request.name!r}",
            hint="use up to 100 letters, digits, '.', '_' or '-', starting with a letter or digit",
        )
    count = len(request.files)
    if count == 0:
        raise InputError("no video files given", hint="pass one file per camera")
    names = list(request.cameras) if request.cameras else [f"cam{i + 1}" for i in range(count)]
    for label, values in (
        ("camera names", names),
        ("positions", request.positions),
        ("angles", request.angles_deg),
    ):
        if values is not None and len(values) != count:
            raise InputError(
                f"{len(values)} {label} for {count} files", hint=f"give one of the {label} per file"
            )
    bad = [n for n in names if not NAME_PATTERN.match(n)]
    if bad:
        raise InputError(f"bad camera name {bad[0]!r}", hint="use letters, digits, '.', '_', '-'")
    if len(set(names)) != len(names):
        raise InputError("camera names repeat", hint="give every camera its own name")
    if request.sync not in SYNC_METHODS:
        raise InputError(f"unknown sync method {request.sync!r}", hint=f"use {SYNC_METHODS}")
    return names


def probe_all(files: Sequence[Path]) -> list[media.MediaInfo]:
    """Probe every file before anything is stored.

    Raises:
        InputError: listing every file that cannot be used and why.
    """
    infos, problems = [], []
    for path in files:
        try:
            infos.append(media.probe(Path(path)))
        except InputError as exc:
            problems.append(exc.message)
    if problems:
        raise InputError(
            "; ".join(problems), hint="fix or leave out these files; nothing was registered"
        )
    return infos


def track_from_truth(doc: dict[str, Any], names_by_file: dict[str, str]) -> dict[str, Any]:
    """Action boxes from a generator truth JSON, renamed to the imported camera names.

    Files are matched by name; cameras of the truth that were not imported are dropped.
    """
    boxes = doc.get("boxes")
    if not isinstance(boxes, dict):
        raise InputError(
            "the track file has no 'boxes'", hint="pass the truth.json of demo footage"
        )
    file_of = {c["name"]: c.get("file") for c in doc.get("cameras", [])}
    out = {}
    for cam, pts in boxes.items():
        name = names_by_file.get(str(file_of.get(cam)))
        if name is not None:
            out[name] = pts
    return out


def choose_alignment(method: str, infos: list[media.MediaInfo]) -> str:
    """The sync method to use: the requested one, or the best the files allow for 'auto'.

    Timecodes and creation times must be in every file. Audio needs two files with sound;
    cameras without sound then stay at offset 0 (method 'none') for the user to set by hand.

    Raises:
        InputError: when a requested method lacks what it needs.
    """
    lacking = {
        "timecode": [i.path.name for i in infos if not i.timecode],
        "creation_time": [i.path.name for i in infos if not i.creation_time],
        "audio": [i.path.name for i in infos if not i.has_audio],
    }
    usable = {
        "timecode": not lacking["timecode"],
        "creation_time": not lacking["creation_time"],
        "audio": len(infos) - len(lacking["audio"]) >= min(2, len(infos)),
    }
    if method == "auto":
        return next((m for m in ("timecode", "creation_time", "audio") if usable[m]), "none")
    if method != "none" and not usable[method]:
        raise InputError(
            f"cannot sync by {method}: {', '.join(lacking[method])} lack it",
            hint="use --sync auto, another method, or set offsets by hand",
        )
    return method


def _store(info: media.MediaInfo, target_dir: Path, name: str, copy: bool) -> Path:
    if not copy:
        return info.path
    target = target_dir / f"{name}{info.path.suffix.lower() or '.mp4'}"
    try:
        os.link(info.path, target)
    except OSError:
        try:
            shutil.copyfile(info.path, target)
        except OSError as exc:
            raise StorageError(
                f"cannot copy {info.path.name} into {target_dir}: {exc.strerror}",
                hint="free disk space, or import with --reference to leave files in place",
            ) from exc
    return target


def analyse(
    path: Path, info: media.MediaInfo, thumbs: Path, interval_s: float
) -> tuple[CameraSignals, NDArray[np.float64], float, int]:
    """Thumbnails, loudness, motion and the sync envelope of one stored camera file."""
    frames, used_interval, count = media.analyse_video(path, thumbs, info.duration_s, interval_s)
    audio = media.read_audio(path, AUDIO_RATE_HZ) if info.has_audio else np.zeros(0, np.float32)
    signals = CameraSignals(momentary_loudness(audio, AUDIO_RATE_HZ), motion_energy(frames))
    return signals, sync.onset_envelope(audio, AUDIO_RATE_HZ), used_interval, count


def prepare(request: ImportRequest, target_dir: Path, report: Report) -> list[PreparedCamera]:
    """Probe, store, analyse and synchronise every camera into ``target_dir``.

    The caller removes ``target_dir`` if this raises, so nothing is left half-imported.

    Raises:
        InputError: for a bad request or an unusable file.
        StorageError: when files cannot be written.
        DependencyError: when FFmpeg fails.
    """
    names = camera_names(request)
    report(0.0, "probing files")
    infos = probe_all(request.files)
    method = choose_alignment(request.sync, infos)
    try:
        target_dir.mkdir(parents=True, exist_ok=False)
    except OSError as exc:
        raise StorageError(f"cannot create {target_dir}: {exc.strerror}") from exc
    prepared: list[PreparedCamera] = []
    for k, (name, info) in enumerate(zip(names, infos, strict=True)):
        report(0.05 + 0.9 * k / len(infos), f"analysing {name}")
        stored = _store(info, target_dir, name, request.copy)
        thumbs = target_dir / f"{name}.thumbs.jpg"
        signals, envelope, interval, count = analyse(stored, info, thumbs, request.thumb_interval_s)
        save_signals(target_dir, name, signals)
        prepared.append(
            PreparedCamera(
                name=name, info=info, path=stored, original=info.path,
                position=request.positions[k] if request.positions else k + 1,
                angle_deg=request.angles_deg[k] if request.angles_deg else None,
                alignment=sync.Alignment(0.0, "none", None), thumbs=thumbs,
                thumb_interval_s=interval, thumb_count=count, signals=signals, envelope=envelope,
            )
        )  # fmt: skip
    report(0.95, f"synchronising by {method}")
    if method == "timecode":
        found = sync.offsets_from_timecodes(
            [i.timecode or "" for i in infos], [i.fps for i in infos]
        )
    elif method == "creation_time":
        found = sync.offsets_from_creation([i.creation_time for i in infos if i.creation_time])
    elif method == "audio":
        found = sync.offsets_from_audio([p.envelope for p in prepared])
    else:
        found = [sync.Alignment(0.0, "none", None) for _ in prepared]
    for cam, alignment in zip(prepared, found, strict=True):
        cam.alignment = alignment
    return prepared


def save_signals(folder: Path, name: str, signals: CameraSignals) -> None:
    """Cache camera ``name``'s analysis in its set's folder."""
    np.savez(folder / f"{name}.signals.npz", loudness=signals.loudness_lufs, motion=signals.motion)


def load_signals(folder: Path, name: str) -> CameraSignals | None:
    """The cached analysis of camera ``name`` in a set's folder, if present."""
    path = folder / f"{name}.signals.npz"
    if not path.is_file():
        return None
    with np.load(path) as data:
        return CameraSignals(data["loudness"].astype(float), data["motion"].astype(float))
