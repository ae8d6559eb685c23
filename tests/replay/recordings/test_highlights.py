"""Highlights: pure ranking on made-up signals, and the F1 target on generated footage."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from hostcity.core.errors import InputError
from hostcity.replay.recordings import highlights as hl
from hostcity.replay.recordings import importing
from hostcity.replay.recordings.adapters import media
from hostcity.replay.types import Camera, CameraSet


def _camera(name: str, offset_s: float, duration_s: float) -> Camera:
    return Camera(name, Path(f"{name}.mp4"), offset_s, duration_s, Fraction(25), 640, 360, True, 1)


def _signals(duration_s: float, peaks_s: list[float], offset_s: float, motion_at: float) -> Any:
    t = np.arange(int(duration_s * 10)) * 0.1 + offset_s
    loud = -30.0 + sum(12 * np.exp(-0.5 * ((t - p) / 0.4) ** 2) for p in peaks_s)
    motion = 0.01 + 0.05 * np.exp(-0.5 * ((t - motion_at) / 0.3) ** 2)
    return hl.CameraSignals(loud, motion)


def test_ranks_louder_moments_first_and_picks_the_moving_camera() -> None:
    cset = CameraSet(1, "s", (_camera("a", 0.0, 30.0), _camera("b", 2.0, 28.0)))
    signals = {
        "a": _signals(30.0, [8.0, 20.0], 0.0, motion_at=20.0),
        "b": _signals(28.0, [8.0, 20.0], 2.0, motion_at=8.0),
    }
    signals["a"] = hl.CameraSignals(signals["a"].loudness_lufs + 0.0, signals["a"].motion)
    found = hl.find_highlights(cset, signals, top=5)
    assert [round(h.peak_s) for h in found] == [8, 20] or [round(h.peak_s) for h in found] == [
        20,
        8,
    ]
    by_peak = {round(h.peak_s): h for h in found}
    assert by_peak[8].best_camera == "b"
    assert by_peak[20].best_camera == "a"
    for h in found:
        assert h.start_s < h.peak_s < h.end_s
        assert h.end_s - h.start_s == pytest.approx(6.0)


def test_windows_stay_inside_the_recording() -> None:
    cset = CameraSet(1, "s", (_camera("a", 0.0, 12.0),))
    found = hl.find_highlights(cset, {"a": _signals(12.0, [1.0, 11.5], 0.0, 5.0)})
    assert found
    for h in found:
        assert 0.0 <= h.start_s < h.end_s <= 12.0


def test_flat_signals_have_no_highlights_and_top_limits() -> None:
    cset = CameraSet(1, "s", (_camera("a", 0.0, 30.0),))
    flat = hl.CameraSignals(np.full(300, -30.0), np.full(300, 0.01))
    assert hl.find_highlights(cset, {"a": flat}) == []
    busy = _signals(30.0, [5.0, 12.0, 19.0, 26.0], 0.0, 5.0)
    assert len(hl.find_highlights(cset, {"a": busy}, top=2)) == 2
    with pytest.raises(InputError, match="top"):
        hl.find_highlights(cset, {"a": busy}, top=0)


def test_shot_changes_are_spikes_of_difference() -> None:
    frames = np.zeros((20, 36, 64), dtype=np.uint8)
    frames[10:] = 200
    motion = hl.motion_energy(frames)
    assert motion[0] == 0.0
    assert list(np.flatnonzero(hl.shot_changes(motion))) == [10]


@pytest.mark.parametrize(
    ("found", "truth", "f1"),
    [
        pytest.param([1.0, 5.0], [1.5, 5.9], 1.0, id="all-within-1s"),
        pytest.param([1.0, 5.0], [2.5, 5.0], 0.5, id="one-too-far"),
        pytest.param([1.0, 1.2], [1.1], 2 / 3, id="double-hit-counts-once"),
        pytest.param([], [3.0], 0.0, id="nothing-found"),
    ],
)
def test_match_peaks(found: list[float], truth: list[float], f1: float) -> None:
    assert hl.match_peaks(found, truth) == pytest.approx(f1)


def test_known_peaks_of_generated_footage_are_found(
    footage: tuple[Path, dict[str, Any]], footage_files: list[Path], tmp_path: Path
) -> None:
    _, truth = footage
    cams, signals = [], {}
    for cam, path in zip(truth["cameras"], footage_files, strict=True):
        info = media.probe(path)
        signals[cam["name"]] = importing.analyse(path, info, tmp_path / "t.jpg", 2.0)[0]
        cams.append(
            Camera(cam["name"], path, cam["offset_s"], info.duration_s, info.fps,
                   info.width, info.height, True, cam["position"])
        )  # fmt: skip
    track = {k: [tuple(p) for p in v] for k, v in truth["boxes"].items()}
    cset = CameraSet(1, "gen", tuple(cams), track)  # type: ignore[arg-type]
    found = hl.find_highlights(cset, signals, top=10)
    assert hl.match_peaks([h.peak_s for h in found], truth["peaks_s"]) >= 0.9
    for h in found:
        # The best angle shows the subject, fully in frame, over the window.
        boxes = [p for p in truth["boxes"][h.best_camera] if h.start_s <= p[0] <= h.end_s]
        inside = [x - w / 2 >= 0 and x + w / 2 <= 320 for _, x, _, w, _ in boxes]
        assert np.mean(inside) > 0.5
