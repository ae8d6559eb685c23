"""Auto-reframe: a smooth crop path that keeps the action inside a vertical or square frame."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
TrackPoint = tuple[float, float, float, float, float]


@dataclass(frozen=True)
class CropPath:
    """Per source frame, the top-left corner of a fixed-size crop window, in source pixels.

    Positions are kept exact (sub-pixel) so smoothness can be measured; the renderer rounds
    them to whole pixels, moving the window by at most half a pixel.
    """

    fps: float
    width: int
    height: int
    x: tuple[float, ...]
    y: tuple[float, ...]

    def __len__(self) -> int:
        return len(self.x)


def crop_size(src_w: int, src_h: int, out_w: int, out_h: int) -> tuple[int, int]:
    """The largest even-sized window of the output's aspect ratio that fits in the source."""
    if src_w * out_h >= src_h * out_w:
        h = src_h
        w = round(src_h * out_w / out_h)
    else:
        w = src_w
        h = round(src_w * out_h / out_w)
    return min(src_w, w - w % 2), min(src_h, h - h % 2)


def boxes_at(track: Sequence[TrackPoint], times_s: Sequence[float]) -> FloatArray:
    """Subject boxes ``(cx, cy, w, h)`` at ``times_s``, interpolated linearly along ``track``."""
    data = np.asarray(sorted(track), dtype=np.float64)
    t = np.asarray(times_s, dtype=np.float64)
    return np.stack([np.interp(t, data[:, 0], data[:, i]) for i in range(1, 5)], axis=1)


def plan_crop_path(
    boxes: FloatArray,
    *,
    fps: float,
    src_w: int,
    src_h: int,
    crop_w: int,
    crop_h: int,
    dead_zone: float = 0.08,
    smooth_s: float = 0.5,
) -> CropPath:
    """Follow the subject boxes with a smooth, low-jerk crop window.

    The window's centre first follows the subject with a dead zone (a fraction of the crop
    size) so small wobbles do not move it; the result is smoothed with a zero-phase Gaussian
    (no lag, low jerk) and pulled back inside the per-frame band that keeps the box in frame.

    Args:
        boxes: ``(N, 4)`` subject boxes ``(cx, cy, w, h)`` in source pixels, one per frame.
        fps: Source frame rate, to express smoothing in seconds.
        src_w: Source width.
        src_h: Source height.
        crop_w: Crop window width.
        crop_h: Crop window height.
        dead_zone: Half-width of the dead zone as a fraction of the crop size.
        smooth_s: Standard deviation of the smoothing kernel in seconds.
    """
    x = _axis_path(
        boxes[:, 0], boxes[:, 2], src=src_w, crop=crop_w, dead_zone=dead_zone, sigma=smooth_s * fps
    )
    y = _axis_path(
        boxes[:, 1], boxes[:, 3], src=src_h, crop=crop_h, dead_zone=dead_zone, sigma=smooth_s * fps
    )
    return CropPath(
        fps=fps,
        width=crop_w,
        height=crop_h,
        x=tuple(float(v) for v in x),
        y=tuple(float(v) for v in y),
    )


def _axis_path(
    centre: FloatArray,
    size: FloatArray,
    *,
    src: int,
    crop: int,
    dead_zone: float,
    sigma: float,
) -> FloatArray:
    max_pos = float(src - crop)
    if max_pos <= 0 or len(centre) == 0:
        return np.zeros(len(centre))
    # band of crop positions that keep the whole box in frame, inside the picture
    lo = np.clip(centre + size / 2 - crop, 0, max_pos)
    hi = np.clip(centre - size / 2, 0, max_pos)
    too_big = lo > hi
    mid = np.clip(centre - crop / 2, 0, max_pos)
    lo, hi = np.where(too_big, mid, lo), np.where(too_big, mid, hi)
    follow = _dead_zone_follow(mid, dead_zone * crop)
    path = _gaussian(follow, sigma)
    for _ in range(4):
        path = _gaussian(np.clip(path, lo, hi), sigma / 2)
    return np.clip(path, 0, max_pos)


def _dead_zone_follow(target: FloatArray, half_width: float) -> FloatArray:
    out = np.empty_like(target)
    rest = float(target[0])
    for i, value in enumerate(target):
        if value > rest + half_width:
            rest = float(value) - half_width
        elif value < rest - half_width:
            rest = float(value) + half_width
        out[i] = rest
    return out


def _gaussian(values: FloatArray, sigma: float) -> FloatArray:
    if sigma <= 0 or len(values) < 3:
        return values.astype(np.float64)
    radius = max(1, int(3 * sigma))
    kernel = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma) ** 2)
    kernel /= kernel.sum()
    padded = np.pad(values.astype(np.float64), radius, mode="edge")
    return np.convolve(padded, kernel, mode="valid")


def inside_share(path: CropPath, boxes: FloatArray) -> float:
    """Share of frames whose whole subject box lies inside the crop window."""
    if len(path) == 0:
        return 1.0
    x, y = np.asarray(path.x, dtype=np.float64), np.asarray(path.y, dtype=np.float64)
    left, right = boxes[:, 0] - boxes[:, 2] / 2, boxes[:, 0] + boxes[:, 2] / 2
    top, bottom = boxes[:, 1] - boxes[:, 3] / 2, boxes[:, 1] + boxes[:, 3] / 2
    inside = (
        (left >= x - 0.5)
        & (right <= x + path.width + 0.5)
        & (top >= y - 0.5)
        & (bottom <= y + path.height + 0.5)
    )
    return float(inside.mean())


def rms_jerk(positions: Sequence[float], fps: float) -> float:
    """Root-mean-square jerk (third derivative) of a 1-D path, in pixels per second cubed."""
    values = np.asarray(positions, dtype=np.float64)
    if len(values) < 4:
        return 0.0
    jerk = np.diff(values, n=3) * fps**3
    return float(np.sqrt(np.mean(jerk**2)))


def motion_boxes(frames: NDArray[np.uint8], *, scale: float, min_level: int = 12) -> FloatArray:
    """Estimate the action per frame from low-resolution grey frames.

    The box is centred on the centroid of absolute frame differences and sized by their
    spread; frames without motion keep the previous box.

    Args:
        frames: ``(N, h, w)`` grey frames.
        scale: Source pixels per low-resolution pixel.
        min_level: Differences below this are treated as noise.
    """
    n, h, w = frames.shape
    boxes = np.empty((n, 4))
    previous = np.array([w / 2, h / 2, w / 4, h / 4])
    ys, xs = np.mgrid[0:h, 0:w]
    for i in range(n):
        if i > 0:
            diff = np.abs(frames[i].astype(np.int16) - frames[i - 1].astype(np.int16))
            weight = np.where(diff >= min_level, diff, 0).astype(np.float64)
            total = weight.sum()
            if total > 0:
                cx, cy = (weight * xs).sum() / total, (weight * ys).sum() / total
                sx = np.sqrt((weight * (xs - cx) ** 2).sum() / total)
                sy = np.sqrt((weight * (ys - cy) ** 2).sum() / total)
                previous = np.array([cx, cy, max(2.0, 2 * sx), max(2.0, 2 * sy)])
        boxes[i] = previous
    if n > 1:
        boxes[0] = boxes[1]
    boxes[:, :] *= scale
    return boxes
