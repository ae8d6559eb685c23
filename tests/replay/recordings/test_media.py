"""Probing media: what a good file reports, and a clear reason for every bad one."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from hostcity.core.errors import InputError
from hostcity.replay.recordings.adapters import media
from tests.replay.recordings import media_files


def test_probe_reads_timecode_creation_time_and_format(tmp_path: Path) -> None:
    path = media_files.test_video(
        tmp_path / "tc.mp4", timecode="01:00:02:10", created="2026-02-10T12:00:03Z"
    )
    info = media.probe(path)
    assert (info.width, info.height, info.fps) == (160, 90, Fraction(25))
    assert info.duration_s == pytest.approx(3.0, abs=0.05)
    assert info.timecode == "01:00:02:10"
    assert info.creation_time is not None
    assert info.creation_time.isoformat() == "2026-02-10T12:00:03+00:00"
    assert info.has_audio
    assert info.video_codec == "h264"


def test_probe_other_containers(tmp_path: Path) -> None:
    mkv = tmp_path / "a.mkv"
    media_files.ffmpeg(
        "-f", "lavfi", "-i", "testsrc=size=64x36:rate=30:duration=2", "-c:v", "mpeg4", str(mkv)
    )
    info = media.probe(mkv)
    assert info.fps == Fraction(30)
    assert not info.has_audio
    assert "matroska" in info.container


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        pytest.param(lambda d, _src: d / "missing.mp4", "no such file", id="missing"),
        pytest.param(
            lambda d, _src: (d / "notes.mp4").write_text("hello") and d / "notes.mp4",
            "not a readable media file",
            id="text-file",
        ),
        pytest.param(
            lambda d, _src: media_files.audio_only(d / "a.m4a"), "no video stream", id="audio-only"
        ),
        pytest.param(
            lambda d, src: media_files.truncated(src, d / "cut.mp4"),
            "stops before its stated end|cannot be decoded|not a readable",
            id="truncated",
        ),
    ],
)
def test_probe_rejects_with_a_reason(make, reason: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = media_files.test_video(tmp_path / "src.mp4", seconds=6.0)
    path = make(tmp_path, source)
    with pytest.raises(InputError, match=reason) as caught:
        media.probe(path)
    assert path.name in caught.value.message


def test_read_audio_is_mono_at_the_rate_asked(tmp_path: Path) -> None:
    path = media_files.test_video(tmp_path / "v.mp4", seconds=2.0)
    samples = media.read_audio(path, 8000)
    assert samples.dtype == np.float32
    assert len(samples) == pytest.approx(16000, abs=1200)
    assert float(np.abs(samples[2000:12000]).max()) == pytest.approx(0.125, abs=0.02)  # lavfi sine
    silent = media_files.test_video(tmp_path / "s.mp4", seconds=1.0, audio=False)
    assert media.read_audio(silent, 8000).size == 0


def test_analyse_video_writes_a_strip_and_returns_frames(tmp_path: Path) -> None:
    path = media_files.test_video(tmp_path / "v.mp4", seconds=3.0)
    strip = tmp_path / "strip.jpg"
    frames, interval, count = media.analyse_video(path, strip, 3.0, 1.0)
    assert (interval, count) == (1.0, 3)
    assert frames.shape[1:] == (36, 64)
    assert 28 <= len(frames) <= 31
    assert strip.read_bytes()[:2] == b"\xff\xd8"
    import av

    with av.open(str(strip)) as img:
        assert img.streams.video[0].codec_context.width == 3 * media.THUMB_WIDTH
