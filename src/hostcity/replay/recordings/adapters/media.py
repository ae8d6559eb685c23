"""Reads media with PyAV and FFmpeg: probing, audio samples, low-res frames and thumbnails."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from hostcity.core.errors import DependencyError, InputError, StorageError
from hostcity.core.timeutil import parse_iso
from hostcity.replay.recordings.adapters.ffmpeg import ffmpeg_exe

ANALYSIS_RATE_HZ = 10  # frames per second decoded for motion and shot changes
ANALYSIS_SIZE = (64, 36)
THUMB_WIDTH = 160
MAX_THUMBS = 120


@dataclass(frozen=True)
class MediaInfo:
    """What probing a video file found."""

    path: Path
    container: str
    duration_s: float
    fps: Fraction
    width: int
    height: int
    video_codec: str
    has_audio: bool
    timecode: str | None
    creation_time: datetime | None


def _reject(path: Path, reason: str, hint: str) -> InputError:
    return InputError(f"cannot import {path.name}: {reason}", hint=hint)


def probe(path: Path) -> MediaInfo:
    """Open ``path``, check it has a decodable video stream, and describe it.

    Raises:
        InputError: naming the file and why it cannot be used (missing, unreadable,
            no video, unknown duration or frame rate, undecodable start or end).
    """
    import av

    if not path.is_file():
        raise _reject(path, "no such file", f"check the path {path}")
    try:
        container = av.open(str(path))
    except (av.FFmpegError, OSError, UnicodeDecodeError) as exc:
        raise _reject(
            path, f"not a readable media file ({exc})", "give a video FFmpeg can read"
        ) from exc
    with container:
        if not container.streams.video:
            raise _reject(path, "it has no video stream", "give a video file, not audio only")
        stream = container.streams.video[0]
        rate = stream.average_rate or stream.guessed_rate or stream.base_rate
        if not rate or rate <= 0:
            raise _reject(path, "its frame rate is unknown", "re-mux it with a frame rate")
        duration_s = _duration_s(container, stream)
        if duration_s is None or duration_s <= 0:
            raise _reject(
                path, "its duration is unknown", "re-mux it, e.g. ffmpeg -i IN -c copy OUT"
            )
        _check_decodes(container, stream, path, duration_s)
        tags = {**dict(container.metadata), **dict(stream.metadata)}
        for data in container.streams.data:
            tags.update(dict(data.metadata))
        creation = None
        if tags.get("creation_time"):
            try:
                creation = parse_iso(tags["creation_time"])
            except ValueError:
                creation = None
        codec = stream.codec_context.name
        return MediaInfo(
            path=path.resolve(),
            container=container.format.name,
            duration_s=duration_s,
            fps=Fraction(rate).limit_denominator(1001),
            width=int(stream.codec_context.width),
            height=int(stream.codec_context.height),
            video_codec=str(codec),
            has_audio=bool(container.streams.audio),
            timecode=tags.get("timecode") or None,
            creation_time=creation,
        )


def _duration_s(container: object, stream: object) -> float | None:
    duration = getattr(stream, "duration", None)
    time_base = getattr(stream, "time_base", None)
    if duration and time_base:
        return float(duration * time_base)
    total = getattr(container, "duration", None)
    return float(total) / 1_000_000 if total else None


def _check_decodes(container: object, stream: object, path: Path, duration_s: float) -> None:
    """Decode the first frame and one near the end, so truncated files are caught now."""
    import av

    try:
        first = next(container.decode(stream), None)  # type: ignore[attr-defined]
        if first is None:
            raise _reject(path, "its video stream holds no frames", "give a complete file")
        if duration_s > 2.0:
            target = max(0.0, duration_s - 1.0)
            container.seek(int(target * 1_000_000), any_frame=False)  # type: ignore[attr-defined]
            tail = next(container.decode(stream), None)  # type: ignore[attr-defined]
            if tail is None:
                raise _reject(
                    path, f"it stops before its stated end ({duration_s:.1f} s)",
                    "the file is truncated; copy it again from the camera",
                )  # fmt: skip
    except av.FFmpegError as exc:
        raise _reject(
            path, f"its video cannot be decoded ({exc})", "re-encode it to H.264 and try again"
        ) from exc


def read_audio(path: Path, rate_hz: int) -> NDArray[np.float32]:
    """The file's first audio stream as mono float samples at ``rate_hz``, aligned to t=0.

    Raises:
        InputError: when the audio cannot be decoded.
    """
    import av

    chunks: list[NDArray[np.float32]] = []
    start_s: float | None = None
    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                return np.zeros(0, dtype=np.float32)
            stream = container.streams.audio[0]
            resampler = av.AudioResampler(format="flt", layout="mono", rate=rate_hz)
            for frame in container.decode(stream):
                if start_s is None and frame.time is not None:
                    start_s = float(frame.time)
                for out in resampler.resample(frame):
                    chunks.append(np.asarray(out.to_ndarray(), dtype=np.float32).reshape(-1))
            for out in resampler.resample(None):
                chunks.append(np.asarray(out.to_ndarray(), dtype=np.float32).reshape(-1))
    except av.FFmpegError as exc:
        raise InputError(f"cannot decode the audio of {path.name}: {exc}") from exc
    samples = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)
    lead = round(max(0.0, start_s or 0.0) * rate_hz)
    return np.concatenate([np.zeros(lead, dtype=np.float32), samples.astype(np.float32)])


def analyse_video(
    path: Path, thumbs_out: Path, duration_s: float, interval_s: float
) -> tuple[NDArray[np.uint8], float, int]:
    """Decode once: write a thumbnail strip and return low-res grey frames for analysis.

    Args:
        path: The video.
        thumbs_out: The JPEG strip to write, one tile every ``interval`` seconds.
        duration_s: The file's duration, to size the strip.
        interval_s: Wanted seconds per thumbnail; the strip uses whole tiles (at most 120).

    Returns:
        Grey frames at 10 per second, shape (n, 36, 64); the interval used; the tile count.

    Raises:
        DependencyError: when FFmpeg fails.
        StorageError: when the strip cannot be written.
    """
    # Whole tiles that exactly cover the file, so the strip lines up with the timeline.
    tiles = max(1, min(MAX_THUMBS, round(duration_s / max(interval_s, 1e-3))))
    interval = duration_s / tiles
    w, h = ANALYSIS_SIZE
    graph = (
        f"[0:v]split=2[a][b];"
        f"[a]fps={tiles}/{duration_s:.6f},scale={THUMB_WIDTH}:-2,tile={tiles}x1[t];"
        f"[b]fps={ANALYSIS_RATE_HZ},scale={w}:{h}:flags=area,format=gray[m]"
    )
    args = [
        ffmpeg_exe(), "-hide_banner", "-v", "error", "-nostdin", "-y", "-i", str(path),
        "-filter_complex", graph,
        "-map", "[t]", "-frames:v", "1", "-q:v", "5", str(thumbs_out),
        "-map", "[m]", "-f", "rawvideo", "pipe:1",
    ]  # fmt: skip
    proc = subprocess.run(args, capture_output=True, check=False)
    if proc.returncode != 0:
        stderr = proc.stderr.decode(errors="replace").strip()
        if "No space left" in stderr:
            raise StorageError(
                f"disk full writing {thumbs_out}", hint="free space and import again"
            )
        raise DependencyError(f"ffmpeg could not analyse {path.name}: {stderr[-400:]}")
    frames = np.frombuffer(proc.stdout, dtype=np.uint8)
    count = frames.size // (w * h)
    return frames[: count * w * h].reshape(count, h, w), interval, tiles
