"""FFmpeg primitives: find the binary and a font, run with progress, write files atomically."""

from __future__ import annotations

import errno
import logging
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from hostcity.core.errors import DependencyError, InputError, StorageError

log = logging.getLogger(__name__)

ProgressFn = Callable[[float, str], None]
ENOSPC_TEXT = "No space left on device"
CORRUPT_MARKERS = (
    "Invalid data found",
    "partial file",
    "moov atom not found",
    "error while decoding",
    "Error while decoding",
    "corrupt",
    "Truncat",
)
NO_STREAM_TEXT = "matches no streams"
BYTES_PER_SECOND_ESTIMATE = 2_000_000  # ~16 Mbit/s: a generous bound for 1080p veryfast


@lru_cache(maxsize=1)
def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary shipped with imageio-ffmpeg.

    Raises:
        DependencyError: when it is missing.
    """
    try:
        import imageio_ffmpeg

        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except (ImportError, RuntimeError) as exc:
        raise DependencyError(
            "cannot find the ffmpeg binary", hint="pip install imageio-ffmpeg"
        ) from exc


@lru_cache(maxsize=1)
def find_font() -> Path | None:
    """A DejaVu Sans font for titles: fontconfig, then matplotlib's bundled copy, else None."""
    fc_match = shutil.which("fc-match")
    if fc_match:
        result = subprocess.run(
            [fc_match, "-f", "%{file}", "DejaVu Sans:bold"],
            capture_output=True,
            text=True,
            check=False,
        )
        candidate = Path(result.stdout.strip())
        if result.returncode == 0 and candidate.suffix.lower() in {".ttf", ".otf"}:
            return candidate
    try:
        import importlib.util

        spec = importlib.util.find_spec("matplotlib")
    except (ImportError, ValueError):
        spec = None
    if spec and spec.origin:
        bundled = Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf" / "DejaVuSans-Bold.ttf"
        if bundled.is_file():
            return bundled
    return None


def safe_font(font: Path | None, workdir: Path) -> Path | None:
    if font is None or all(c.isalnum() or c in "/._-" for c in str(font)):
        return font
    copy = workdir / ("font" + font.suffix)
    shutil.copyfile(font, copy)
    return copy


def classify_failure(stderr: str, what: str) -> Exception:
    """The HostCity error for a failed ffmpeg run, from its log."""
    lines = stderr.strip().splitlines()
    tail = "; ".join(lines[-3:])
    if ENOSPC_TEXT in stderr:
        return StorageError(
            f"the disk is full while writing {what}",
            hint="free disk space in the data directory and render again",
        )
    if any(marker in stderr for marker in CORRUPT_MARKERS):
        reason = next(line for line in lines if any(m in line for m in CORRUPT_MARKERS))
        return InputError(
            f"a source video is corrupt or truncated; ffmpeg said: {reason.strip()}",
            hint="re-import the recording from an intact copy",
        )
    if NO_STREAM_TEXT in stderr:  # the probe took it for media, but it decodes to nothing
        return InputError(
            f"a source video is corrupt or truncated: ffmpeg found no stream it could use "
            f"while rendering {what}",
            hint="re-import the recording from an intact copy",
        )
    return DependencyError(f"ffmpeg failed while rendering {what}: {tail}")


@dataclass(frozen=True)
class FfmpegRun:
    """What an ffmpeg run left behind: its log and the last frame count it reported."""

    stderr: str
    frames: int


def run_ffmpeg(
    args: list[str], *, total_s: float, what: str, progress: ProgressFn | None = None
) -> FfmpegRun:
    """Run ffmpeg with ``-progress pipe:1``, reporting fractions of ``total_s``.

    Returns:
        ffmpeg's log and the number of video frames it wrote.

    Raises:
        StorageError: when the disk fills up.
        InputError: when a source is corrupt.
        DependencyError: for any other ffmpeg failure.
    """
    command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-nostats", "-progress", "pipe:1", *args]
    with tempfile.TemporaryFile(mode="w+") as err:
        frames = 0
        with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=err, text=True) as process:
            assert process.stdout is not None
            for line in process.stdout:
                key, _, value = line.strip().partition("=")
                if key == "frame" and value.isdigit():
                    frames = int(value)
                if progress and key == "out_time_us" and value.isdigit() and total_s > 0:
                    progress(min(1.0, int(value) / 1e6 / total_s), what)
            code = process.wait()
        err.seek(0)
        stderr = err.read()
    if code != 0:
        raise classify_failure(stderr, what)
    return FfmpegRun(stderr, frames)


def check_free_space(directory: Path, duration_s: float) -> None:
    """Refuse to start when the disk cannot hold the clip.

    Raises:
        StorageError: naming the free and needed space.
    """
    needed = int(duration_s * BYTES_PER_SECOND_ESTIMATE) + 1_000_000
    directory.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(directory).free
    if free < needed:
        raise StorageError(
            f"only {free // 1_000_000} MB free in {directory}; the clip needs about "
            f"{needed // 1_000_000} MB",
            hint="free disk space in the data directory and render again",
        )


@contextmanager
def atomic_output(final: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``final``; rename it into place only on success."""
    final.parent.mkdir(parents=True, exist_ok=True)
    temp = final.with_name(f".{final.stem}.{uuid.uuid4().hex[:8]}.part{final.suffix}")
    try:
        yield temp
        os.replace(temp, final)
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise StorageError(
                f"the disk is full while writing {final.name}",
                hint="free disk space in the data directory and render again",
            ) from exc
        raise
    finally:
        temp.unlink(missing_ok=True)


def grey_frames(
    source: Path, *, start_s: Fraction, frames: int, fps: Fraction, width: int = 160
) -> tuple[NDArray[np.uint8], int]:
    """Decode ``frames`` frames from ``start_s`` as small grey images (for motion estimates).

    Returns:
        The ``(N, h, w)`` frames and the source width in pixels.

    Raises:
        InputError: when the source cannot be decoded.
    """
    import av

    try:
        with av.open(str(source)) as container:
            stream = container.streams.video[0]
            src_w, src_h = stream.codec_context.width, stream.codec_context.height
    except (av.error.FFmpegError, IndexError) as exc:
        raise InputError(
            f"cannot read video {source}: {exc}", hint="re-import the recording"
        ) from exc
    height = max(2, round(width * src_h / src_w / 2) * 2)
    start = max(Fraction(0), start_s - Fraction(1, 2) / fps)
    command = [
        ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error",
        # the loop filter only polishes the picture; motion needs none of it and decodes faster
        "-skip_loop_filter", "all", "-ss", f"{float(start):.6f}", "-i", str(source),
        "-frames:v", str(frames), "-vf", f"scale={width}:{height}:flags=fast_bilinear,format=gray",
        "-f", "rawvideo", "-",
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, check=False)
    if result.returncode != 0:
        raise classify_failure(result.stderr.decode(errors="replace"), source.name)
    data = np.frombuffer(result.stdout, dtype=np.uint8)
    count = len(data) // (width * height)
    return data[: count * width * height].reshape(count, height, width), src_w
