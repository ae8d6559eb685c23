"""EBU R128 momentary loudness against the figures the standard gives."""

from __future__ import annotations

import numpy as np
import pytest

from hostcity.replay.recordings.loudness import SILENCE_LUFS, momentary_loudness


@pytest.mark.parametrize("rate", [16000, 48000])
@pytest.mark.parametrize(
    ("amplitude", "lufs"),
    [pytest.param(1.0, -3.01, id="full-scale"), pytest.param(0.1, -23.01, id="minus-20dB")],
)
def test_sine_at_1khz_reads_as_the_standard_says(rate: int, amplitude: float, lufs: float) -> None:
    t = np.arange(rate * 2) / rate
    values = momentary_loudness(amplitude * np.sin(2 * np.pi * 1000 * t), rate)
    assert len(values) == 20
    assert values[5:] == pytest.approx(lufs, abs=0.1)


def test_silence_and_empty_input() -> None:
    assert np.all(momentary_loudness(np.zeros(16000), 16000) == SILENCE_LUFS)
    assert momentary_loudness(np.zeros(10), 16000).size == 0


def test_a_loud_burst_is_seen_within_the_window() -> None:
    rate = 16000
    rng = np.random.default_rng(0)
    x = 0.01 * rng.standard_normal(rate * 4)
    x[rate * 2 : rate * 2 + rate // 2] *= 10
    values = momentary_loudness(x, rate)
    loudest = int(np.argmax(values))
    assert 20 <= loudest <= 25
    assert values[loudest] - np.median(values) > 15
