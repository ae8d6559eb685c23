"""Auto-reframe: the crop path keeps the subject in frame, smoothly."""

from __future__ import annotations

import numpy as np
import pytest

from hostcity.replay.clips.reframe import (
    CropPath,
    boxes_at,
    crop_size,
    inside_share,
    motion_boxes,
    plan_crop_path,
    rms_jerk,
)

FPS = 25.0


@pytest.mark.parametrize(
    ("src", "out", "expected"),
    [
        pytest.param((1920, 1080), (1080, 1920), (608, 1080), id="landscape-to-vertical"),
        pytest.param((1920, 1080), (1080, 1080), (1080, 1080), id="landscape-to-square"),
        pytest.param((1080, 1920), (1080, 1080), (1080, 1080), id="portrait-to-square"),
        pytest.param((1280, 720), (1920, 1080), (1280, 720), id="same-aspect"),
    ],
)
def test_crop_size_is_the_largest_even_window(
    src: tuple[int, int], out: tuple[int, int], expected: tuple[int, int]
) -> None:
    assert crop_size(*src, *out) == expected


def skater_boxes(seconds: float = 12.0, jitter_px: float = 6.0) -> np.ndarray:
    """A subject sweeping across a 1920x1080 frame, reported with detector jitter."""
    t = np.arange(0, seconds, 1 / FPS)
    rng = np.random.default_rng(3)
    x = 960 + 700 * np.sin(0.9 * t) + rng.normal(0, jitter_px, len(t))
    y = 600 + 80 * np.sin(2.1 * t) + rng.normal(0, jitter_px, len(t))
    return np.stack([x, y, np.full_like(t, 90.0), np.full_like(t, 160.0)], axis=1)


def naive_path(boxes: np.ndarray, crop_w: int) -> np.ndarray:
    return np.clip(boxes[:, 0] - crop_w / 2, 0, 1920 - crop_w)


@pytest.mark.parametrize(
    ("out", "jitter"),
    [
        pytest.param((1080, 1920), 6.0, id="vertical"),
        pytest.param((1080, 1080), 6.0, id="square"),
        pytest.param((1080, 1920), 15.0, id="vertical-noisy"),
    ],
)
def test_path_keeps_the_subject_in_frame_with_low_jerk(out: tuple[int, int], jitter: float) -> None:
    boxes = skater_boxes(jitter_px=jitter)
    crop_w, crop_h = crop_size(1920, 1080, *out)
    path = plan_crop_path(boxes, fps=FPS, src_w=1920, src_h=1080, crop_w=crop_w, crop_h=crop_h)
    assert len(path) == len(boxes)
    assert inside_share(path, boxes) >= 0.97
    smooth, rough = rms_jerk(path.x, FPS), rms_jerk(naive_path(boxes, crop_w), FPS)
    assert smooth < rough / 20, (smooth, rough)
    assert all(0 <= x <= 1920 - crop_w for x in path.x)


def test_dead_zone_holds_still_for_small_wobbles() -> None:
    t = np.arange(0, 6, 1 / FPS)
    boxes = np.stack(
        [960 + 12 * np.sin(5 * t), np.full_like(t, 540), np.full_like(t, 80), np.full_like(t, 80)],
        axis=1,
    )
    path = plan_crop_path(boxes, fps=FPS, src_w=1920, src_h=1080, crop_w=608, crop_h=1080)
    assert max(path.x) - min(path.x) <= 2
    assert inside_share(path, boxes) == 1.0


def test_inside_share_counts_frames_outside() -> None:
    path = CropPath(fps=FPS, width=100, height=100, x=(0, 0, 0, 0), y=(0, 0, 0, 0))
    boxes = np.array(
        [[50, 50, 20, 20], [95, 50, 20, 20], [50, 50, 20, 20], [200, 50, 10, 10]], dtype=float
    )
    assert inside_share(path, boxes) == 0.5


def test_boxes_follow_a_track_between_its_points() -> None:
    track = [(0.0, 100.0, 200.0, 10.0, 20.0), (2.0, 300.0, 200.0, 30.0, 20.0)]
    boxes = boxes_at(track, [0.0, 1.0, 3.0])
    assert boxes[1].tolist() == [200.0, 200.0, 20.0, 20.0]
    assert boxes[2, 0] == 300.0  # held at the last point


def test_motion_boxes_find_a_moving_square() -> None:
    frames = np.zeros((20, 90, 160), dtype=np.uint8)
    for i in range(20):
        x = 10 + 6 * i
        frames[i, 40:56, x : x + 16] = 220
    boxes = motion_boxes(frames, scale=12.0)
    expected_x = (10 + 6 * np.arange(20) + 8) * 12.0
    # the centroid of the difference lies between the old and new square: within one step
    assert np.all(np.abs(boxes[1:, 0] - expected_x[1:]) <= 6 * 12.0)
    assert np.all(np.abs(boxes[:, 1] - 48 * 12.0) <= 12.0)


def test_motion_boxes_hold_when_nothing_moves() -> None:
    frames = np.full((5, 90, 160), 50, dtype=np.uint8)
    boxes = motion_boxes(frames, scale=1.0)
    assert np.all(boxes[:, 0] == 80.0)
