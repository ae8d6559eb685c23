"""Synchronisation: timecodes, creation times, and audio cross-correlation against the truth."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from hostcity.core.errors import InputError
from hostcity.replay.recordings import importing, sync
from hostcity.replay.recordings.adapters import media


@pytest.mark.parametrize(
    ("text", "fps", "seconds"),
    [
        pytest.param("00:00:01:00", Fraction(25), 1.0, id="one-second"),
        pytest.param("01:02:03:12", Fraction(25), 3723.48, id="pal"),
        pytest.param("00:00:00:15", Fraction(30), 0.5, id="ntsc-nondrop"),
        pytest.param("00:01:00;02", Fraction(30000, 1001), 1800 * 1.001 / 30, id="drop-frame"),
    ],
)
def test_parse_timecode(text: str, fps: Fraction, seconds: float) -> None:
    assert sync.parse_timecode(text, fps) == pytest.approx(seconds, abs=1e-6)


@pytest.mark.parametrize("text", ["", "1:2:3", "aa:bb:cc:dd", "01:02:03:04:05"])
def test_parse_timecode_rejects_garbage(text: str) -> None:
    with pytest.raises(InputError, match="timecode"):
        sync.parse_timecode(text, Fraction(25))


def test_offsets_from_timecodes_and_creation_times() -> None:
    rates = [Fraction(25)] * 3
    found = sync.offsets_from_timecodes(["10:00:02:00", "10:00:00:10", "10:00:05:05"], rates)
    assert [a.offset_s for a in found] == pytest.approx([1.6, 0.0, 4.8])
    assert {a.method for a in found} == {"timecode"}
    base = datetime(2026, 2, 10, 12, 0, tzinfo=UTC)
    made = sync.offsets_from_creation([base + timedelta(seconds=3), base])
    assert [a.offset_s for a in made] == [3.0, 0.0]


@pytest.mark.parametrize("shift_s", [0.0, 0.437, 2.5, -1.25])
def test_estimate_lag_finds_a_known_shift_in_noise(shift_s: float) -> None:
    rate = 8000
    rng = np.random.default_rng(3)
    source = rng.standard_normal(rate * 20) * np.repeat(rng.uniform(0.2, 1, 200), rate // 10)
    start = int(5 * rate)
    ref = source[start : start + rate * 12]
    other_start = start + int(shift_s * rate)
    other = source[other_start : other_start + rate * 9] + 0.1 * rng.standard_normal(rate * 9)
    lag, confidence = sync.estimate_lag(
        sync.onset_envelope(ref, rate), sync.onset_envelope(other, rate)
    )
    assert lag == pytest.approx(shift_s, abs=0.002)
    assert confidence > 0.5


def test_unrelated_audio_gets_low_confidence() -> None:
    rng = np.random.default_rng(5)
    a = sync.onset_envelope(rng.standard_normal(8000 * 10), 8000)
    b = sync.onset_envelope(rng.standard_normal(8000 * 10), 8000)
    _, confidence = sync.estimate_lag(a, b)
    assert confidence < 0.2


def test_cameras_without_audio_are_left_unsynced() -> None:
    env = sync.onset_envelope(np.random.default_rng(1).standard_normal(16000), 8000)
    found = sync.offsets_from_audio([env, np.zeros(0)])
    assert found[1].method == "none"
    assert found[0].method == "audio"


def test_audio_sync_of_generated_footage_is_within_one_frame(
    footage: tuple[Path, dict[str, Any]], footage_files: list[Path]
) -> None:
    _, truth = footage
    envelopes = [
        sync.onset_envelope(media.read_audio(p, importing.AUDIO_RATE_HZ), importing.AUDIO_RATE_HZ)
        for p in footage_files
    ]
    found = sync.offsets_from_audio(envelopes)
    frame_s = 1 / 25
    for cam, alignment in zip(truth["cameras"], found, strict=True):
        assert alignment.method == "audio"
        assert alignment.offset_s == pytest.approx(cam["offset_s"], abs=frame_s)
        assert alignment.confidence is not None
        assert alignment.confidence > 0.3
