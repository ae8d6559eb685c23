"""Test helpers: generate synthetic footage with FFmpeg test sources and inspect clips with PyAV."""

from __future__ import annotations

import struct
import subprocess
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pyloudnorm
from numpy.typing import NDArray
from scipy.signal import resample_poly

from hostcity.replay.clips.adapters.ffmpeg import ffmpeg_exe
from hostcity.replay.types import Camera, CameraSet

VIDEO_SOURCES = ("testsrc2", "smptebars", "testsrc", "rgbtestsrc")


def make_camera_video(
    path: Path,
    *,
    seconds: float,
    source: str = "testsrc2",
    size: str = "480x270",
    fps: int = 25,
    audio: str | None = "sine=f=440",
    faststart: bool = False,
) -> Path:
    """Write a small H.264/AAC MP4 from FFmpeg test sources."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
           "-f", "lavfi", "-i", f"{source}=s={size}:r={fps}:d={seconds}"]  # fmt: skip
    if audio:
        cmd += ["-f", "lavfi", "-i", f"{audio}:r=48000:d={seconds}"]
    cmd += ["-c:v", "libx264", "-preset", "ultrafast", "-g", str(fps), "-pix_fmt", "yuv420p"]
    if audio:
        cmd += ["-c:a", "aac", "-b:a", "128k"]
    if faststart:
        cmd += ["-movflags", "+faststart"]
    subprocess.run([*cmd, str(path)], check=True)
    return path


def make_camera_set(
    directory: Path,
    *,
    seconds: float = 8.0,
    offsets_s: tuple[float, ...] = (0.0, 0.4, 0.8),
    action_track: bool = True,
) -> CameraSet:
    """A set of cameras with known offsets, and a subject moving left to right."""
    audios = ("sine=f=440", "anoisesrc=a=0.2:c=pink", "sine=f=660")
    cameras = []
    for i, offset in enumerate(offsets_s):
        name = f"cam{i + 1}"
        path = make_camera_video(
            directory / f"{name}.mp4",
            seconds=seconds,
            source=VIDEO_SOURCES[i % len(VIDEO_SOURCES)],
            audio=audios[i % len(audios)],
        )
        cameras.append(
            Camera(name, path, offset, seconds, Fraction(25), 480, 270, True, position=i)
        )
    track = None
    if action_track:
        times = np.linspace(0, 20, 201)
        # a subject zig-zagging across the frame with some jitter, as a detector would report
        rng = np.random.default_rng(7)
        xs = 240 + 180 * np.sin(times * 0.9) + rng.normal(0, 3, len(times))
        points = [(float(t), float(x), 150.0, 40.0, 60.0) for t, x in zip(times, xs, strict=True)]
        track = {c.name: points for c in cameras}
    return CameraSet(1, "test-set", tuple(cameras), track)


@dataclass
class ClipFacts:
    """Output properties measured independently of the renderer."""

    video_codec: str
    profile: str
    pix_fmt: str
    width: int
    height: int
    fps: Fraction
    frames: int
    video_duration_s: float
    container_duration_s: float
    max_gop: int
    closed_gop: bool
    audio_codec: str
    audio_profile: str
    sample_rate: int
    lufs: float
    true_peak_dbtp: float


def inspect_clip(path: Path) -> ClipFacts:
    """Decode ``path`` with PyAV and measure it with pyloudnorm."""
    with av.open(str(path)) as container:
        video = container.streams.video[0]
        audio_stream = container.streams.audio[0]
        fps = Fraction(video.average_rate)
        keyframes: list[int] = []
        frames = 0
        open_gop = False
        for index, packet in enumerate(container.demux(video)):
            if packet.size == 0:
                continue
            if packet.is_keyframe:
                keyframes.append(index)
            frames = index + 1
        gaps = np.diff([*keyframes, frames]) if keyframes else np.array([frames])
        container_duration = (container.duration or 0) / 1e6
        facts_video = (video.codec_context.name, video.codec_context.profile or "",
                       video.codec_context.format.name, video.codec_context.width,
                       video.codec_context.height)  # fmt: skip
        audio_info = (audio_stream.codec_context.name, audio_stream.codec_context.profile or "",
                      audio_stream.codec_context.sample_rate)  # fmt: skip
    samples = decode_audio(path)
    meter = pyloudnorm.Meter(audio_info[2])
    lufs = float(meter.integrated_loudness(samples))
    return ClipFacts(
        video_codec=facts_video[0],
        profile=facts_video[1],
        pix_fmt=facts_video[2],
        width=facts_video[3],
        height=facts_video[4],
        fps=fps,
        frames=frames,
        video_duration_s=float(frames / fps),
        container_duration_s=container_duration,
        max_gop=int(gaps.max()),
        closed_gop=not open_gop,
        audio_codec=audio_info[0],
        audio_profile=audio_info[1],
        sample_rate=audio_info[2],
        lufs=lufs,
        true_peak_dbtp=true_peak_dbtp(samples),
    )


def decode_audio(path: Path) -> NDArray[np.float64]:
    """All audio as ``(samples, channels)`` floats."""
    chunks = []
    with av.open(str(path)) as container:
        for frame in container.decode(audio=0):
            chunks.append(frame.to_ndarray().astype(np.float64))
    data = np.concatenate(chunks, axis=1)
    return data.T


def true_peak_dbtp(samples: NDArray[np.float64]) -> float:
    """True peak via 4x oversampling (ITU-R BS.1770-4 annex 2)."""
    upsampled = resample_poly(samples, 4, 1, axis=0)
    peak = float(np.max(np.abs(upsampled)))
    return 20 * np.log10(max(peak, 1e-12))


def top_level_boxes(path: Path) -> list[str]:
    """Box types at the top level of an MP4 file, in order."""
    boxes = []
    data = path.read_bytes()
    offset = 0
    while offset + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[offset : offset + 8])
        if size == 1:
            size = struct.unpack(">Q", data[offset + 8 : offset + 16])[0]
        elif size == 0:
            size = len(data) - offset
        boxes.append(kind.decode("latin-1"))
        offset += size
    return boxes


def has_box(path: Path, kind: bytes) -> bool:
    """True when a box of type ``kind`` appears anywhere in the moov box tree."""
    data = path.read_bytes()
    containers = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"edts", b"dinf", b"udta"}

    def walk(start: int, end: int) -> bool:
        offset = start
        while offset + 8 <= end:
            size, box = struct.unpack(">I4s", data[offset : offset + 8])
            header = 8
            if size == 1:
                size = struct.unpack(">Q", data[offset + 8 : offset + 16])[0]
                header = 16
            elif size == 0:
                size = end - offset
            if size < header:
                return False
            if box == kind:
                return True
            if box in containers and walk(offset + header, offset + size):
                return True
            offset += size
        return False

    return walk(0, len(data))
