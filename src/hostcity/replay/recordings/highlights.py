"""Highlights: rank moments by crowd loudness, motion energy and shot changes; pick an angle."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from hostcity.core.errors import InputError
from hostcity.replay.types import CameraSet

STEP_S = 0.1
SHOT_DIFF_MIN = 0.18  # mean absolute grey difference (0..1) that can be a cut
SHOT_DIFF_RATIO = 6.0  # ...and that many times the camera's median difference


@dataclass(frozen=True)
class CameraSignals:
    """One camera's measurements on its own clock, one value every 0.1 s from file t=0.

    Attributes:
        loudness_lufs: Momentary loudness; value i is centred on file time (i - 1) * 0.1 s.
        motion: Mean absolute difference (0..1) between frame i - 1 and frame i.
    """

    loudness_lufs: NDArray[np.float64]
    motion: NDArray[np.float64]


@dataclass(frozen=True)
class Weights:
    """How much each cue counts (per LU of sustained loudness over the median, relative
    motion, cuts), the score a moment needs, and the window cut around it."""

    loudness_per_lu: float = 0.1
    motion: float = 0.25
    shot_change: float = 0.3
    min_score: float = 0.5
    min_gap_s: float = 3.0
    sustain_s: float = 1.5
    pre_s: float = 4.0
    post_s: float = 2.0


@dataclass(frozen=True)
class Highlight:
    """A moment worth a clip, with the window to cut and the angle that shows it best."""

    rank: int
    peak_s: float
    start_s: float
    end_s: float
    score: float
    loudness_lu: float
    motion: float
    shot_change: bool
    best_camera: str
    angles: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return {
            "rank": self.rank,
            "peak_s": self.peak_s,
            "start_s": self.start_s,
            "end_s": self.end_s,
            "score": self.score,
            "loudness_lu": self.loudness_lu,
            "motion": self.motion,
            "shot_change": self.shot_change,
            "best_camera": self.best_camera,
            "angles": list(self.angles),
        }


def motion_energy(frames: NDArray[np.uint8]) -> NDArray[np.float64]:
    """Mean absolute difference (0..1) of each grey frame from the previous one (0 first)."""
    if len(frames) == 0:
        return np.zeros(0)
    diffs = np.abs(np.diff(frames.astype(np.int16), axis=0)).mean(axis=(1, 2)) / 255.0
    return np.concatenate([[0.0], diffs])


def shot_changes(motion: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Frames that differ from the previous one far more than the camera usually moves."""
    if len(motion) == 0:
        return np.zeros(0, dtype=bool)
    typical = float(np.median(motion))
    return (motion >= SHOT_DIFF_MIN) & (motion >= SHOT_DIFF_RATIO * max(typical, 1e-3))


def _on_grid(
    values: NDArray[np.float64], first_s: float, grid: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Resample a 10 Hz series starting at shared time ``first_s``; NaN where not covered."""
    if len(values) == 0:
        return np.full(len(grid), np.nan)
    times = first_s + np.arange(len(values)) * STEP_S
    out = np.interp(grid, times, values)
    out[(grid < times[0]) | (grid > times[-1])] = np.nan
    return np.asarray(out, dtype=np.float64)


def _cues(
    cset: CameraSet, signals: dict[str, CameraSignals], grid: NDArray[np.float64]
) -> tuple[NDArray[np.float64], dict[str, NDArray[np.float64]], NDArray[np.bool_]]:
    loud_rows, motion_rows = [], {}
    shots = np.zeros(len(grid), dtype=bool)
    for cam in cset.cameras:
        sig = signals.get(cam.name)
        if sig is None:
            continue
        if len(sig.loudness_lufs):
            loud = _on_grid(sig.loudness_lufs, cam.offset_s - STEP_S, grid)
            live = sig.loudness_lufs[sig.loudness_lufs > -69.0]
            if live.size:
                loud_rows.append(loud - float(np.median(live)))
        if len(sig.motion):
            motion = _on_grid(sig.motion, cam.offset_s, grid)
            typical = float(np.median(sig.motion)) + 1e-3
            motion_rows[cam.name] = np.clip(motion / typical - 1.0, -1.0, 3.0)
            cut_times = cam.offset_s + np.flatnonzero(shot_changes(sig.motion)) * STEP_S
            for t in cut_times:
                shots[np.abs(grid - t) <= STEP_S] = True
    loud_all = np.asarray(loud_rows) if loud_rows else np.full((1, len(grid)), np.nan)
    loudness = _column_reduce(loud_all, np.nanmedian)
    return loudness, motion_rows, shots


def _column_reduce(rows: NDArray[np.float64], reduce: Any) -> NDArray[np.float64]:
    """``reduce`` (nanmedian, nanmean) over cameras; 0 where no camera has a value.

    Only columns with a value are reduced, so numpy never warns about empty slices.
    """
    out = np.zeros(rows.shape[1])
    some = ~np.isnan(rows).all(axis=0)
    if some.any():
        out[some] = reduce(rows[:, some], axis=0)
    return out


def _smooth(values: NDArray[np.float64], width: int) -> NDArray[np.float64]:
    kernel = np.ones(width) / width
    return np.convolve(np.pad(values, width // 2, mode="edge"), kernel, mode="valid")[: len(values)]


def _best_angles(
    cset: CameraSet, start_s: float, end_s: float, motion: dict[str, NDArray[np.float64]],
    grid: NDArray[np.float64],
) -> tuple[str, ...]:  # fmt: skip
    scores: list[tuple[float, float, str]] = []
    in_window = (grid >= start_s) & (grid <= end_s)
    for cam in cset.cameras:
        covered = max(0.0, min(end_s, cam.end_s) - max(start_s, cam.start_s)) / (end_s - start_s)
        track = (cset.action_track or {}).get(cam.name)
        if track:
            pts = np.asarray([p for p in track if start_s <= p[0] <= end_s]).reshape(-1, 5)
            inside = (
                (pts[:, 1] - pts[:, 3] / 2 >= 0)
                & (pts[:, 1] + pts[:, 3] / 2 <= cam.width)
                & (pts[:, 2] - pts[:, 4] / 2 >= 0)
                & (pts[:, 2] + pts[:, 4] / 2 <= cam.height)
            )
            # Keeping the subject in frame comes first (to a tenth of the window), then the
            # share of the frame it fills while it is in.
            area = pts[:, 3] * pts[:, 4] / (cam.width * cam.height)
            share = float(np.mean(inside)) if len(pts) else 0.0
            filled = float(np.mean(area[inside])) if inside.any() else 0.0
            value = round(share, 1) + filled
        else:
            series = motion.get(cam.name)
            part = series[in_window] if series is not None else np.zeros(0)
            part = part[~np.isnan(part)]
            value = float(part.mean()) if part.size else 0.0
        scores.append((round(covered, 2), value, cam.name))
    scores.sort(key=lambda s: (-s[0], -s[1], s[2]))
    return tuple(s[2] for s in scores if s[0] > 0)


def find_highlights(
    cset: CameraSet, signals: dict[str, CameraSignals], *, top: int = 10,
    weights: Weights | None = None,
) -> list[Highlight]:  # fmt: skip
    """The ``top`` best moments of a set, best first.

    Raises:
        InputError: for a ``top`` below 1 or a set without cameras.
    """
    if top < 1:
        raise InputError(f"top must be at least 1, not {top}")
    if not cset.cameras:
        raise InputError(f"set {cset.name!r} has no cameras")
    from scipy.ndimage import median_filter
    from scipy.signal import find_peaks

    w = weights or Weights()
    grid = np.round(np.arange(cset.start_s, cset.end_s + 1e-9, STEP_S), 3)
    loudness, motion_rows, shots = _cues(cset, signals, grid)
    stacked = np.asarray(list(motion_rows.values())) if motion_rows else np.zeros((1, len(grid)))
    motion = _column_reduce(stacked, np.nanmean)
    # A crowd's roar lasts; claps, horns and announcements' plosives do not. A median over
    # 1.5 s keeps the roar and drops anything shorter than about 0.7 s.
    sustained = median_filter(loudness, size=round(w.sustain_s / STEP_S) | 1, mode="nearest")
    raw = w.loudness_per_lu * sustained + w.motion * motion + w.shot_change * shots
    score = _smooth(raw, 5)
    gap = max(1, round(w.min_gap_s / STEP_S))
    peaks, _ = find_peaks(score, height=w.min_score, distance=gap)
    ranked = sorted(peaks, key=lambda i: -score[i])[:top]
    out = []
    for rank, i in enumerate(ranked, start=1):
        peak = float(grid[i])
        start = max(cset.start_s, peak - w.pre_s)
        end = min(cset.end_s, start + w.pre_s + w.post_s)
        start = max(cset.start_s, end - w.pre_s - w.post_s)
        window = (grid >= peak - 0.5) & (grid <= peak + 0.5)
        angles = _best_angles(cset, start, end, motion_rows, grid)
        out.append(
            Highlight(
                rank=rank,
                peak_s=round(peak, 2),
                start_s=round(start, 2),
                end_s=round(end, 2),
                score=round(float(score[i]), 3),
                loudness_lu=round(float(loudness[i]), 1),
                motion=round(float(motion[i]), 2),
                shot_change=bool(shots[window].any()),
                best_camera=angles[0] if angles else cset.cameras[0].name,
                angles=angles,
            )
        )
    return out


def match_peaks(found_s: list[float], truth_s: list[float], tolerance_s: float = 1.0) -> float:
    """F1 of found moments against known ones, each matched at most once within tolerance."""
    if not found_s and not truth_s:
        return 1.0
    unmatched = list(truth_s)
    hits = 0
    for t in sorted(found_s):
        near = [u for u in unmatched if abs(u - t) <= tolerance_s]
        if near:
            unmatched.remove(min(near, key=lambda u: abs(u - t)))
            hits += 1
    precision = hits / len(found_s) if found_s else 0.0
    recall = hits / len(truth_s) if truth_s else 0.0
    return 0.0 if hits == 0 else 2 * precision * recall / (precision + recall)
