"""The edit decision list: exact frame math, camera offsets, slow motion, sweeps, replays, cards."""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from hostcity.replay.clips.edl import SAMPLE_RATE_HZ, Edl, SegmentKind, build_edl
from hostcity.replay.clips.spec import ClipSpec, validate_against_set
from hostcity.replay.types import Camera, CameraSet


def paper_set(
    fps: Fraction = Fraction(25), offsets: tuple[float, ...] = (0.0, 0.4, 1.3)
) -> CameraSet:
    """A camera set whose files need not exist (the EDL never opens them)."""
    cams = tuple(
        Camera(
            f"cam{i + 1}", Path(f"/nowhere/cam{i + 1}.mp4"), off, 30.0, fps, 1920, 1080, True, 2 - i
        )
        for i, off in enumerate(offsets)
    )
    return CameraSet(1, "paper", cams)


def edl_for(cameras: CameraSet, **fields: Any) -> Edl:
    spec = ClipSpec.parse({"set": cameras.name, "angles": ["cam1"], **fields})
    validate_against_set(spec, cameras, max_clip_s=120)
    return build_edl(spec, cameras)


@pytest.mark.parametrize(
    ("fps", "start_s", "end_s"),
    [
        pytest.param(Fraction(25), 2.0, 12.0, id="25fps-10s"),
        pytest.param(Fraction(30000, 1001), 2.0, 12.5, id="29.97fps"),
        pytest.param(Fraction(50), 3.33, 7.77, id="50fps-odd-times"),
        pytest.param(Fraction(24000, 1001), 1.01, 1.5, id="23.976fps-short"),
    ],
)
def test_plain_window_lasts_the_request_within_half_a_frame(
    fps: Fraction, start_s: float, end_s: float
) -> None:
    edl = edl_for(paper_set(fps), start_s=start_s, end_s=end_s)
    assert abs(float(edl.duration_s) - (end_s - start_s)) <= 0.5 / float(fps) + 1e-9
    assert edl.fps == fps


def test_source_frames_account_for_the_camera_offset() -> None:
    cameras = paper_set()
    edl = edl_for(cameras, angles=["cam3"], start_s=5.0, end_s=6.0)
    (segment,) = edl.segments
    assert segment.camera == "cam3"
    assert segment.source_in_frame == 93  # file time 5.0 - 1.3 = 3.7 s = frame 92.5, rounded up
    assert segment.frames == 25
    assert abs(segment.timeline_in_s - 5.0) < 1 / 25


def test_angles_split_the_window_in_order() -> None:
    edl = edl_for(paper_set(), angles=["cam1", "cam2"], start_s=2.0, end_s=4.0)
    assert [s.camera for s in edl.segments] == ["cam1", "cam2"]
    assert [s.frames for s in edl.segments] == [25, 25]
    assert edl.segments[1].source_in_frame == 65


def test_slow_motion_stretches_only_its_segment() -> None:
    edl = edl_for(
        paper_set(), start_s=2.0, end_s=4.0, slowmo={"start_s": 2.5, "end_s": 3.0, "factor": 4}
    )
    # timeline frames are cut cumulatively (round half up): 13 + 12 + 25 = 50
    assert [(s.frames, s.slow_factor) for s in edl.segments] == [(13, 1.0), (48, 4.0), (25, 1.0)]
    assert edl.segments[1].source_frames == 12
    assert float(edl.duration_s) == pytest.approx(2.0 + 3 * 0.5, abs=4 / 25)


def test_sweep_freezes_every_camera_in_position_order() -> None:
    edl = edl_for(paper_set(), start_s=2.0, end_s=4.0, sweep={"at_s": 3.0, "hold_s": 0.2})
    kinds = [(s.kind, s.camera) for s in edl.segments]
    # positions are cam3=0, cam2=1, cam1=2
    assert kinds == [
        (SegmentKind.PLAY, "cam1"),
        (SegmentKind.FREEZE, "cam3"),
        (SegmentKind.FREEZE, "cam2"),
        (SegmentKind.FREEZE, "cam1"),
        (SegmentKind.PLAY, "cam1"),
    ]
    freezes = [s for s in edl.segments if s.kind is SegmentKind.FREEZE]
    assert all(s.frames == 5 and s.source_frames == 1 for s in freezes)
    assert [s.source_in_frame for s in freezes] == [43, 65, 75]  # 1.7, 2.6 and 3.0 s of file time


def test_replay_shows_the_moment_from_each_camera() -> None:
    edl = edl_for(
        paper_set(), start_s=2.0, end_s=4.0, replay={"start_s": 3.0, "end_s": 3.4, "factor": 2}
    )
    replays = [s for s in edl.segments if s.label == "replay"]
    assert [s.camera for s in replays] == ["cam3", "cam2", "cam1"]
    assert all(s.frames == 20 and s.source_frames == 10 for s in replays)


def test_cards_and_lower_third_are_placed_exactly() -> None:
    edl = edl_for(
        paper_set(),
        start_s=2.0,
        end_s=6.0,
        title={"text": "Final", "duration_s": 1.0},
        branding={"event_name": "Games", "intro_s": 0.5, "outro_s": 0.5},
        lower_third={"athlete": "A. Skater", "event": "500 m", "score": "34.12", "start_s": 1.0},
    )
    labels = [s.label for s in edl.segments]
    assert labels == ["intro", "title", "main", "outro"]
    assert [s.frames for s in edl.segments] == [13, 25, 100, 13]  # 12.5 frames round up
    (overlay,) = edl.overlays
    assert overlay.start_frame == 13 + 25 + 25
    assert overlay.end_frame == overlay.start_frame + 100 - 25  # clipped at the end of the action
    assert overlay.lines == ("A. Skater", "500 m · 34.12")


@pytest.mark.parametrize(
    "fps", [pytest.param(Fraction(25), id="25"), pytest.param(Fraction(30000, 1001), id="29.97")]
)
def test_audio_samples_add_up_without_drift(fps: Fraction) -> None:
    edl = edl_for(
        paper_set(fps),
        start_s=2.0,
        end_s=7.3,
        slowmo={"start_s": 3.0, "end_s": 4.1, "factor": 3},
        sweep={"at_s": 5.0},
        title={"text": "T", "duration_s": 0.7},
    )
    total = sum(edl.samples_of(s) for s in edl.segments)
    assert total == math.floor(edl.total_frames * SAMPLE_RATE_HZ / fps + Fraction(1, 2))
    assert sum(s.frames for s in edl.segments) == edl.total_frames
