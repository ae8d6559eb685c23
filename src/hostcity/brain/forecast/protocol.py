"""The standard protocol: 12 steps in, 12 out, a chronological 60/20/20 split, z-score on train."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import numpy as np

from hostcity.brain.forecast.errors import ForecastDataError
from hostcity.brain.forecast.types import FloatArray, Series

IN_STEPS = 12
OUT_STEPS = 12
SPLIT = (0.6, 0.2, 0.2)
MIN_SAMPLES_PER_PART = 12
STEPS_PER_DAY = 288


@dataclass(frozen=True)
class Split:
    """Sample indices of each part; sample ``i`` reads steps [i, i+12) and predicts [i+12, i+24)."""

    train: range
    val: range
    test: range

    @property
    def train_steps(self) -> int:
        """Steps the training samples read or predict: the only ones statistics may use."""
        return self.train.stop + IN_STEPS + OUT_STEPS - 1


def min_steps() -> int:
    """The shortest series the protocol accepts."""
    samples = int(np.ceil(MIN_SAMPLES_PER_PART / min(SPLIT)))
    return samples + IN_STEPS + OUT_STEPS - 1


def chronological_split(steps: int) -> Split:
    """Split the windows of a ``steps``-long series 60/20/20 in time order.

    Raises:
        ForecastDataError: when the series is too short for every part to have samples.
    """
    needed = min_steps()
    if steps < needed:
        hours = needed * 5 / 60
        raise ForecastDataError(
            f"the series has {steps} steps; the 12-in/12-out protocol with a 60/20/20 split "
            f"needs at least {needed} five-minute steps ({hours:.1f} h)",
            hint="record more history (for the demo: 'hostcity brain history ... --days 2')",
        )
    samples = steps - IN_STEPS - OUT_STEPS + 1
    n_train = round(samples * SPLIT[0])
    n_val = round(samples * SPLIT[1])
    return Split(range(n_train), range(n_train, n_train + n_val), range(n_train + n_val, samples))


def windows(values: FloatArray, samples: range) -> tuple[FloatArray, FloatArray]:
    """Inputs (S, 12, N, F) and targets (S, 12, N, F) of the given samples."""
    idx = np.asarray(samples, dtype=np.int64)
    x_idx = idx[:, None] + np.arange(IN_STEPS)[None, :]
    y_idx = idx[:, None] + IN_STEPS + np.arange(OUT_STEPS)[None, :]
    return values[x_idx], values[y_idx]


@dataclass(frozen=True)
class Scaler:
    """Per-feature z-score fitted on measured (non-zero) training values."""

    mean: FloatArray
    std: FloatArray

    @classmethod
    def fit(cls, values: FloatArray) -> Scaler:
        """Fit on (T, N, F) values; zeros are missing readings and ignored."""
        flat = values.reshape(-1, values.shape[-1])
        mean = np.zeros(flat.shape[1])
        std = np.ones(flat.shape[1])
        for f in range(flat.shape[1]):
            measured = flat[:, f][flat[:, f] != 0]
            if measured.size:
                mean[f] = measured.mean()
                std[f] = max(float(measured.std()), 1e-6)
        return cls(mean, std)

    def transform(self, values: FloatArray) -> FloatArray:
        """Z-scores of ``values`` whose last axis is the features."""
        return (values - self.mean) / self.std

    def inverse(self, values: FloatArray, feature: int) -> FloatArray:
        """Undo the z-score of one feature."""
        out: FloatArray = values * self.std[feature] + self.mean[feature]
        return out


def step_times(series: Series) -> tuple[FloatArray, FloatArray]:
    """Time of day in [0, 1) and day of week 0-6 (Monday 0) of each step."""
    first = series.start
    seconds = first.hour * 3600 + first.minute * 60 + first.second
    offsets_s = seconds + np.arange(series.steps, dtype=np.float64) * series.step_s
    time_of_day = (offsets_s % 86400) / 86400
    day_of_week = (first.weekday() + offsets_s // 86400) % 7
    return time_of_day, day_of_week


def time_of(series: Series, step: int) -> str:
    """ISO time of step ``step`` (may be past the end, for forecasts)."""
    return (series.start + timedelta(seconds=step * series.step_s)).isoformat()


def time_features(time_of_day: FloatArray, harmonics: int = 3) -> FloatArray:
    """Sine and cosine of the daily cycle and its harmonics, shape (..., 2 * harmonics)."""
    angle = 2 * np.pi * time_of_day[..., None] * np.arange(1, harmonics + 1)
    return np.concatenate([np.sin(angle), np.cos(angle)], axis=-1)
