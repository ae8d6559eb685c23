"""Rendered clips, checked with PyAV, pyloudnorm and an MP4 box parser, not by the renderer."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from hostcity.replay.clips.edl import build_edl
from hostcity.replay.clips.reframe import inside_share, rms_jerk
from hostcity.replay.clips.render import plan_crops, render_clip, segment_boxes
from hostcity.replay.clips.spec import ClipSpec, planned_duration_s
from hostcity.replay.types import CameraSet
from tests.replay.clips.media import ClipFacts, has_box, inspect_clip, top_level_boxes

FULL_EDIT: dict[str, Any] = {
    "angles": ["cam1", "cam2"],
    "start_s": 2.0,
    "end_s": 4.4,
    "format": "landscape",
    "loudness": "social",
    "slowmo": {"start_s": 3.0, "end_s": 3.4, "factor": 2},
    "sweep": {"at_s": 3.6, "hold_s": 0.2},
    "replay": {"start_s": 3.0, "end_s": 3.4},
    "title": {"text": "500 m Final", "subtitle": "Heat 2", "duration_s": 0.6},
    "lower_third": {"athlete": "A. Skater", "event": "500 m", "score": "34.12", "start_s": 0.2},
    "branding": {"event_name": "Milano Cortina 2026", "intro_s": 0.4, "outro_s": 0.4},
}
VERTICAL: dict[str, Any] = {
    "angles": ["cam3"],
    "start_s": 1.0,
    "end_s": 4.0,
    "format": "vertical",
    "loudness": "broadcast",
    "title": {"text": "Replay", "duration_s": 0.4},
}


@dataclass
class Rendered:
    spec: ClipSpec
    cameras: CameraSet
    path: Path
    facts: ClipFacts
    progress: list[float]


@pytest.fixture(
    scope="module",
    params=[
        pytest.param(FULL_EDIT, id="landscape-full-edit"),
        pytest.param(VERTICAL, id="vertical"),
    ],
)
def rendered(
    request: pytest.FixtureRequest, camera_set: CameraSet, tmp_path_factory: pytest.TempPathFactory
) -> Rendered:
    spec = ClipSpec.parse({"set": camera_set.name, **request.param})
    out = tmp_path_factory.mktemp("clips") / "clip.mp4"
    seen: list[float] = []
    render_clip(spec, camera_set, out, max_clip_s=60, progress=lambda f, _m: seen.append(f))
    return Rendered(spec, camera_set, out, inspect_clip(out), seen)


def test_video_is_h264_high_yuv420p_at_the_format_size(rendered: Rendered) -> None:
    facts = rendered.facts
    assert (facts.video_codec, facts.profile, facts.pix_fmt) == ("h264", "High", "yuv420p")
    assert (facts.width, facts.height) == rendered.spec.format.size
    assert facts.fps == Fraction(25)


def test_gop_is_closed_and_at_most_half_the_frame_rate(rendered: Rendered) -> None:
    assert rendered.facts.max_gop <= rendered.facts.fps / 2
    with av.open(str(rendered.path)) as container:
        packets = [p for p in container.demux(video=0) if p.size]
    keyframe_pts = -1
    for packet in packets:
        if packet.is_keyframe:
            assert _nal_types(bytes(packet)) & {5}, "every keyframe must be an IDR picture"
            keyframe_pts = packet.pts
        # closed GOP: nothing after a keyframe (in decode order) is shown before it
        assert packet.pts >= keyframe_pts


def _nal_types(data: bytes) -> set[int]:
    types, offset = set(), 0
    while offset + 4 <= len(data):
        size = int.from_bytes(data[offset : offset + 4], "big")
        types.add(data[offset + 4] & 0x1F)
        offset += 4 + size
    return types


def test_audio_is_aac_lc_at_48_khz(rendered: Rendered) -> None:
    facts = rendered.facts
    assert (facts.audio_codec, facts.audio_profile, facts.sample_rate) == ("aac", "LC", 48000)


def test_mp4_has_the_index_first_and_no_edit_list(rendered: Rendered) -> None:
    boxes = top_level_boxes(rendered.path)
    assert boxes.index("moov") < boxes.index("mdat")
    assert not has_box(rendered.path, b"edts") and not has_box(rendered.path, b"elst")
    assert has_box(rendered.path, b"stss")  # the box parser does find nested boxes


def test_duration_is_within_one_frame_of_the_request(rendered: Rendered) -> None:
    requested = planned_duration_s(rendered.spec, rendered.cameras)
    frame = 1 / float(rendered.facts.fps)
    assert abs(rendered.facts.video_duration_s - requested) <= frame
    assert abs(rendered.facts.container_duration_s - requested) <= frame


def test_loudness_hits_the_target_below_the_peak_ceiling(rendered: Rendered) -> None:
    target = rendered.spec.loudness.lufs
    assert abs(rendered.facts.lufs - target) <= 0.5, rendered.facts.lufs
    assert rendered.facts.true_peak_dbtp <= -1.0


def test_progress_rises_to_the_end(rendered: Rendered) -> None:
    assert rendered.progress[0] == 0.0
    assert max(rendered.progress) >= 0.9
    assert rendered.progress == sorted(rendered.progress)


def test_vertical_crop_keeps_the_known_subject_in_frame(camera_set: CameraSet) -> None:
    spec = ClipSpec.parse({"set": camera_set.name, **VERTICAL})
    edl = build_edl(spec, camera_set)
    crops = plan_crops(edl, camera_set)
    assert set(crops) == {i for i, s in enumerate(edl.segments) if s.camera}
    for index, path in crops.items():
        boxes = segment_boxes(edl.segments[index], camera_set)
        assert inside_share(path, boxes) >= 0.95
        assert rms_jerk(path.x, path.fps) < rms_jerk(boxes[:, 0], path.fps) / 10


def test_title_card_is_drawn(rendered: Rendered) -> None:
    """The first frames are a card (flat background with text), not camera footage."""
    with av.open(str(rendered.path)) as container:
        frame = next(container.decode(video=0)).to_ndarray(format="gray")
    values, counts = np.unique(frame, return_counts=True)
    background = values[counts.argmax()]
    assert counts.max() / frame.size > 0.9  # mostly the card colour
    assert np.any(np.abs(frame.astype(int) - int(background)) > 100)  # and some bright text


def test_motion_is_measured_when_no_track_is_known(camera_set: CameraSet) -> None:
    cameras = CameraSet(camera_set.id, camera_set.name, camera_set.cameras, action_track=None)
    edl = build_edl(ClipSpec.parse({"set": cameras.name, **VERTICAL}), cameras)
    segment = next(s for s in edl.segments if s.camera)
    boxes = segment_boxes(segment, cameras)
    assert boxes.shape == (segment.source_frames, 4)
    assert np.all(
        (boxes[:, 0] >= 0) & (boxes[:, 0] <= 480) & (boxes[:, 1] >= 0) & (boxes[:, 1] <= 270)
    )
    assert np.ptp(boxes[:, 0]) > 1.0  # the test pattern moves, and the estimate follows it


def test_loudness_check_corrects_an_encoded_clip(tmp_path: Path) -> None:
    from hostcity.replay.clips.adapters.encode import EncodeOptions, _correct_loudness
    from hostcity.replay.clips.edl import Edl
    from tests.replay.clips.media import make_camera_video

    clip = make_camera_video(tmp_path / "quiet.mp4", seconds=3, audio="sine=f=300")
    before = inspect_clip(clip)
    edl = Edl(
        fps=Fraction(25), width=480, height=270, reframe=False, loudness_lufs=-20.0, segments=()
    )
    _correct_loudness(clip, edl, EncodeOptions())
    after = inspect_clip(clip)
    assert abs(before.lufs + 20) > 1.0
    assert abs(after.lufs + 20) <= 0.5
    assert after.frames == before.frames and after.true_peak_dbtp <= -1.0
    assert [p.name for p in tmp_path.iterdir()] == ["quiet.mp4"]
