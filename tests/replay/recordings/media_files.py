"""Small media files made with ffmpeg test sources, for probing and import tests."""

from __future__ import annotations

import subprocess
from pathlib import Path

import imageio_ffmpeg


def ffmpeg(*args: str) -> None:
    """Run ffmpeg quietly with ``args``; raise if it fails."""
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", *args], check=True)


def test_video(
    path: Path, *, seconds: float = 3.0, timecode: str | None = None,
    created: str | None = None, audio: bool = True,
) -> Path:  # fmt: skip
    """A 160x90 25 fps H.264 clip, optionally with a tone, start timecode or creation time."""
    args = ["-f", "lavfi", "-i", f"testsrc=size=160x90:rate=25:duration={seconds}"]
    if audio:
        args += ["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}", "-c:a", "aac"]
    args += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
    if timecode:
        args += ["-timecode", timecode]
    if created:
        args += ["-metadata", f"creation_time={created}"]
    ffmpeg(*args, str(path))
    return path


def audio_only(path: Path) -> Path:
    """An AAC file with no video stream."""
    ffmpeg("-f", "lavfi", "-i", "sine=duration=2", "-c:a", "aac", str(path))
    return path


def truncated(source: Path, path: Path, fraction: float = 0.4) -> Path:
    """The first ``fraction`` of ``source``'s bytes, as if a copy broke off."""
    data = source.read_bytes()
    path.write_bytes(data[: int(len(data) * fraction)])
    return path
