"""Render orchestration: spec and camera set to EDL, crop paths, then one FFmpeg run."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np

from hostcity.replay.clips.adapters import encode, ffmpeg
from hostcity.replay.clips.edl import Edl, Segment, SegmentKind, build_edl
from hostcity.replay.clips.reframe import (
    CropPath,
    FloatArray,
    boxes_at,
    crop_size,
    motion_boxes,
    plan_crop_path,
)
from hostcity.replay.clips.spec import ClipSpec, validate_against_set
from hostcity.replay.types import CameraSet

ProgressFn = Callable[[float, str], None]
MOTION_WIDTH_PX = 160


@dataclass(frozen=True)
class RenderResult:
    """What a render produced: the edit and the loudness first pass."""

    edl: Edl
    loudness: dict[str, float]

    @property
    def frames(self) -> int:
        """Output frame count."""
        return self.edl.total_frames

    @property
    def duration_s(self) -> float:
        """Output duration in seconds."""
        return float(self.edl.duration_s)


def segment_boxes(segment: Segment, cameras: CameraSet) -> FloatArray:
    """Subject boxes for each source frame of ``segment``, in source pixels.

    Uses the set's known action track for the camera when there is one, otherwise estimates
    the motion centroid on low-resolution frames.
    """
    assert segment.camera is not None and segment.source is not None
    cam = cameras.camera(segment.camera)
    times = [segment.timeline_in_s + i / float(cam.fps) for i in range(segment.source_frames)]
    track = (cameras.action_track or {}).get(cam.name)
    if track:
        return boxes_at(track, times)
    frames_needed = max(2, segment.source_frames)
    start = max(Fraction(0), segment.source_in_s - 1 / cam.fps)
    grey, src_w = ffmpeg.grey_frames(
        segment.source, start_s=start, frames=frames_needed + 1, fps=cam.fps, width=MOTION_WIDTH_PX
    )
    if len(grey) < 2:
        return np.tile(
            [cam.width / 2, cam.height / 2, cam.width / 4, cam.height / 4], (len(times), 1)
        )
    boxes = motion_boxes(grey, scale=src_w / MOTION_WIDTH_PX)[1:]
    if len(boxes) < len(times):
        boxes = np.vstack([boxes, np.repeat(boxes[-1:], len(times) - len(boxes), axis=0)])
    return boxes[: len(times)]


def plan_crops(edl: Edl, cameras: CameraSet) -> dict[int, CropPath]:
    """A crop path per source segment when the format needs reframing."""
    if not edl.reframe:
        return {}
    crops: dict[int, CropPath] = {}
    for index, segment in enumerate(edl.segments):
        if segment.kind is SegmentKind.CARD or segment.camera is None:
            continue
        cam = cameras.camera(segment.camera)
        crop_w, crop_h = crop_size(cam.width, cam.height, edl.width, edl.height)
        crops[index] = plan_crop_path(
            segment_boxes(segment, cameras),
            fps=float(cam.fps),
            src_w=cam.width,
            src_h=cam.height,
            crop_w=crop_w,
            crop_h=crop_h,
        )
    return crops


def render_clip(
    spec: ClipSpec,
    cameras: CameraSet,
    output: Path,
    *,
    max_clip_s: float,
    threads: int = 2,
    preset: str = "veryfast",
    progress: ProgressFn | None = None,
) -> RenderResult:
    """Validate, plan and render one clip to ``output``.

    Returns:
        The edit and the loudness first pass.

    Raises:
        NotFoundError: for an unknown camera.
        InputError: for a bad window, a clip too long, or a corrupt source.
        StorageError: when the disk is full.
        DependencyError: when ffmpeg fails.
    """
    validate_against_set(spec, cameras, max_clip_s=max_clip_s)
    edl = build_edl(spec, cameras)
    report = progress or (lambda _f, _m: None)
    loudness = encode.render_edl(
        edl,
        output,
        crops=(lambda: plan_crops(edl, cameras)) if edl.reframe else None,
        options=encode.EncodeOptions(preset=preset, threads=threads),
        progress=report,
    )
    return RenderResult(edl, loudness)
