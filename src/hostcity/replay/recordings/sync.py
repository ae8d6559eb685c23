"""Synchronisation of cameras: from timecodes, creation times, or cross-correlated audio."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

import numpy as np
from numpy.typing import NDArray

from hostcity.core.errors import InputError

ENVELOPE_RATE_HZ = 1000
MIN_OVERLAP = 0.2  # of the shorter recording, for a lag to count


@dataclass(frozen=True)
class Alignment:
    """Where one camera sits on the shared timeline and how sure we are.

    Attributes:
        offset_s: Shared time of the file's t=0; the earliest camera is at 0.
        method: 'timecode', 'creation_time', 'audio', 'manual' or 'none'.
        confidence: For audio, the correlation of the aligned onset envelopes (0..1);
            1.0 for timecode, None where nothing was measured.
    """

    offset_s: float
    method: str
    confidence: float | None


def parse_timecode(text: str, fps: Fraction) -> float:
    """Seconds since midnight of an SMPTE timecode 'HH:MM:SS:FF' (';' before FF = drop-frame).

    Raises:
        InputError: for text that is not a timecode.
    """
    parts = text.replace(";", ":").replace(".", ":").split(":")
    if len(parts) != 4 or not all(p.isdigit() for p in parts):
        raise InputError(f"bad timecode {text!r}", hint="expected HH:MM:SS:FF")
    hours, minutes, seconds, frames = (int(p) for p in parts)
    nominal = round(float(fps))
    if ";" in text and nominal in (30, 60):
        # Drop-frame: frame numbers 0 and 1 (or 0-3 at 60) are skipped each minute but
        # every tenth, so count real frames and divide by the true rate.
        drop = nominal // 15
        total_minutes = 60 * hours + minutes
        number = (
            ((hours * 3600) + (minutes * 60) + seconds) * nominal
            + frames
            - drop * (total_minutes - total_minutes // 10)
        )
        return number / float(fps)
    return hours * 3600 + minutes * 60 + seconds + frames / nominal


def offsets_from_timecodes(timecodes: list[str], rates: list[Fraction]) -> list[Alignment]:
    """Offsets from each file's start timecode, the earliest camera at 0."""
    starts = [parse_timecode(tc, r) for tc, r in zip(timecodes, rates, strict=True)]
    first = min(starts)
    return [Alignment(s - first, "timecode", 1.0) for s in starts]


def offsets_from_creation(times: list[datetime]) -> list[Alignment]:
    """Offsets from each file's creation time, the earliest camera at 0."""
    first = min(times)
    return [Alignment((t - first).total_seconds(), "creation_time", None) for t in times]


def onset_envelope(samples: NDArray[np.floating], rate_hz: int) -> NDArray[np.float64]:
    """Onset strength at 1 kHz: the rise of log energy per millisecond, standardised."""
    hop = max(1, rate_hz // ENVELOPE_RATE_HZ)
    count = len(samples) // hop
    if count < 2:
        return np.zeros(0)
    frames = np.asarray(samples[: count * hop], dtype=np.float64).reshape(count, hop)
    log_energy = np.log10(np.mean(frames**2, axis=1) + 1e-10)
    onset = np.maximum(np.diff(log_energy, prepend=log_energy[0]), 0.0)
    std = onset.std()
    return (onset - onset.mean()) / std if std > 0 else np.zeros_like(onset)


def estimate_lag(
    ref: NDArray[np.float64], other: NDArray[np.float64], max_lag_s: float | None = None
) -> tuple[float, float]:
    """How much later than ``ref``'s start ``other`` starts, from envelopes at 1 kHz.

    Returns:
        (lag_s, confidence): ``other[n]`` matches ``ref[n + lag * 1000]``; the confidence is
        the Pearson correlation of the two envelopes over their overlap at that lag.
    """
    if len(ref) < 10 or len(other) < 10:
        return 0.0, 0.0
    size = 1 << math.ceil(math.log2(len(ref) + len(other)))
    corr = np.fft.irfft(np.fft.rfft(ref, size) * np.conj(np.fft.rfft(other, size)), size)
    lags = np.arange(size)
    lags = np.where(lags < size // 2, lags, lags - size)
    # Overlap in samples at each lag; penalise nothing, but drop lags with too little overlap.
    overlap = np.minimum(len(ref) - lags, len(other)) - np.maximum(0, -lags)
    valid = overlap >= MIN_OVERLAP * min(len(ref), len(other))
    if max_lag_s is not None:
        valid &= np.abs(lags) <= max_lag_s * ENVELOPE_RATE_HZ
    if not valid.any():
        return 0.0, 0.0
    scores = np.where(valid, corr / np.sqrt(np.maximum(overlap, 1)), -np.inf)
    best = int(lags[int(np.argmax(scores))])
    return best / ENVELOPE_RATE_HZ, _overlap_correlation(ref, other, best)


def _overlap_correlation(ref: NDArray[np.float64], other: NDArray[np.float64], lag: int) -> float:
    start = max(0, -lag)
    end = min(len(other), len(ref) - lag)
    if end - start < 10:
        return 0.0
    a = ref[start + lag : end + lag]
    b = other[start:end]
    if a.std() == 0 or b.std() == 0:
        return 0.0
    return float(max(0.0, np.corrcoef(a, b)[0, 1]))


def offsets_from_audio(
    envelopes: list[NDArray[np.float64]], max_lag_s: float | None = None
) -> list[Alignment]:
    """Offsets by cross-correlating every camera's onset envelope with the longest one's.

    Cameras without audio (an empty envelope) get offset 0 and method 'none'.
    """
    usable = [i for i, env in enumerate(envelopes) if len(env) >= 10]
    if not usable:
        return [Alignment(0.0, "none", None) for _ in envelopes]
    ref = max(usable, key=lambda i: len(envelopes[i]))
    raw: list[tuple[float, str, float | None]] = []
    for i, env in enumerate(envelopes):
        if i == ref:
            raw.append((0.0, "audio", 1.0))
        elif i in usable:
            lag, conf = estimate_lag(envelopes[ref], env, max_lag_s)
            raw.append((lag, "audio", round(conf, 3)))
        else:
            raw.append((0.0, "none", None))
    first = min(r[0] for r in raw)
    return [Alignment(round(o - first, 4), m, c) for o, m, c in raw]
