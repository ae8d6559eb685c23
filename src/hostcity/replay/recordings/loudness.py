"""EBU R128 momentary loudness (ITU-R BS.1770 K-weighting, 400 ms windows) of mono audio."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

MOMENTARY_WINDOW_S = 0.4
SILENCE_LUFS = -70.0


def k_weighting(rate_hz: int) -> list[tuple[list[float], list[float]]]:
    """The two K-weighting biquads (b, a) at ``rate_hz``, as libebur128 derives them."""
    f0, gain_db, q = 1681.974450955533, 3.999843853973347, 0.7071752369554196
    k = math.tan(math.pi * f0 / rate_hz)
    vh = 10.0 ** (gain_db / 20.0)
    vb = vh**0.4996667741545416
    a0 = 1.0 + k / q + k * k
    shelf_b = [
        (vh + vb * k / q + k * k) / a0,
        2.0 * (k * k - vh) / a0,
        (vh - vb * k / q + k * k) / a0,
    ]
    shelf_a = [1.0, 2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0]
    f0, q = 38.13547087602444, 0.5003270373238773
    k = math.tan(math.pi * f0 / rate_hz)
    a0 = 1.0 + k / q + k * k
    high_a = [1.0, 2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0]
    return [(shelf_b, shelf_a), ([1.0, -2.0, 1.0], high_a)]


def momentary_loudness(
    samples: NDArray[np.floating], rate_hz: int, step_s: float = 0.1
) -> NDArray[np.float64]:
    """Momentary loudness in LUFS every ``step_s``; value i covers [i*step - 0.4 s, i*step].

    The first values use the part of the window that exists. Silence reads -70 LUFS.
    """
    from scipy.signal import lfilter

    weighted = np.asarray(samples, dtype=np.float64)
    for b, a in k_weighting(rate_hz):
        weighted = lfilter(b, a, weighted)
    hop = max(1, round(step_s * rate_hz))
    count = len(weighted) // hop
    if count == 0:
        return np.zeros(0)
    block_power = np.mean(weighted[: count * hop].reshape(count, hop) ** 2, axis=1)
    blocks = max(1, round(MOMENTARY_WINDOW_S / step_s))
    kernel = np.ones(blocks) / blocks
    power = np.convolve(block_power, kernel)[:count]
    # Early values averaged over fewer blocks than the window holds: rescale them.
    power[: blocks - 1] *= blocks / np.arange(1, min(blocks, count + 1))[: min(blocks - 1, count)]
    with np.errstate(divide="ignore"):
        lufs = -0.691 + 10.0 * np.log10(power)
    return np.asarray(np.maximum(np.nan_to_num(lufs, neginf=SILENCE_LUFS), SILENCE_LUFS), float)
