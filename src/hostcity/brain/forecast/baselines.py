"""Baseline forecasters: last value, historical average by time of day (and week), ridge."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hostcity.brain.forecast.protocol import (
    IN_STEPS,
    OUT_STEPS,
    STEPS_PER_DAY,
    Scaler,
    time_features,
)
from hostcity.brain.forecast.types import FloatArray

WEEK_STEPS = 7 * STEPS_PER_DAY
RIDGE_PENALTIES = (0.1, 1.0, 10.0, 100.0)


def horizon_times(tod: FloatArray, dow: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Time of day and day of week of each of the 12 target steps, shape (S, 12)."""
    ahead = tod[:, None] + np.arange(OUT_STEPS)[None, :] / STEPS_PER_DAY
    return ahead % 1.0, (dow[:, None] + np.floor(ahead)) % 7


@dataclass
class LastValue:
    """Repeats the last observation for every horizon."""

    targets: tuple[int, ...]
    name: str = "last_value"

    def predict(self, x: FloatArray, tod: FloatArray, dow: FloatArray) -> FloatArray:
        """Forecasts (S, 12, N, targets) from raw inputs (S, 12, N, F)."""
        del tod, dow
        last = x[:, -1:, :, list(self.targets)]
        return np.repeat(last, OUT_STEPS, axis=1)


@dataclass
class HistoricalAverage:
    """Mean of past observations at the same time of day, or of week when history allows.

    Attributes:
        table: Mean per slot, detector and target, shape (slots, N, targets).
        weekly: True when slots are five-minute steps of the week, else of the day.
    """

    table: FloatArray
    weekly: bool
    name: str = "historical_average"

    @staticmethod
    def enough_history(train_steps: int) -> bool:
        """Whether a daily profile can be estimated: a full day of training data."""
        return train_steps >= STEPS_PER_DAY

    @classmethod
    def fit(
        cls, values: FloatArray, tod: FloatArray, dow: FloatArray, targets: tuple[int, ...]
    ) -> HistoricalAverage:
        """Average training values (T, N, F) into slots; weekly with two weeks of history."""
        weekly = values.shape[0] >= 2 * WEEK_STEPS
        slots = _slots(tod, dow, weekly)
        n_slots = WEEK_STEPS if weekly else STEPS_PER_DAY
        picked = values[:, :, list(targets)]
        measured = picked != 0
        sums = np.zeros((n_slots, *picked.shape[1:]))
        counts = np.zeros_like(sums)
        np.add.at(sums, slots, np.where(measured, picked, 0.0))
        np.add.at(counts, slots, measured.astype(np.float64))
        # neighbouring five-minute slots pool their few samples: a short history is noisy
        kernel = np.array([1.0, 2.0, 1.0])
        sums = sum(w * np.roll(sums, s, axis=0) for w, s in zip(kernel, (-1, 0, 1), strict=True))
        counts = sum(
            w * np.roll(counts, s, axis=0) for w, s in zip(kernel, (-1, 0, 1), strict=True)
        )
        node_mean = np.where(measured, picked, 0.0).sum(0) / np.maximum(measured.sum(0), 1)
        table = np.where(counts > 0, sums / np.maximum(counts, 1e-9), node_mean[None])
        return cls(table, weekly)

    def predict(self, x: FloatArray, tod: FloatArray, dow: FloatArray) -> FloatArray:
        """Forecasts (S, 12, N, targets) for samples whose first target has ``tod``/``dow``."""
        del x
        h_tod, h_dow = horizon_times(tod, dow)
        out: FloatArray = self.table[_slots(h_tod, h_dow, self.weekly)]
        return out


def _slots(tod: FloatArray, dow: FloatArray, weekly: bool) -> np.ndarray:
    day_slot = np.rint(tod * STEPS_PER_DAY).astype(np.int64) % STEPS_PER_DAY
    if not weekly:
        return day_slot
    return dow.astype(np.int64) * STEPS_PER_DAY + day_slot


@dataclass
class Ridge:
    """Per-detector ridge regression on the last 12 steps and the time of day.

    Attributes:
        weights: Coefficients per detector and target, shape (N, targets, D, 12).
        scaler: Z-score of the features, fitted on training data.
        targets: Feature columns forecast.
    """

    weights: FloatArray
    scaler: Scaler
    targets: tuple[int, ...]
    penalty: float = 1.0
    name: str = "ridge"

    @classmethod
    def fit(
        cls,
        train: tuple[FloatArray, FloatArray, FloatArray, FloatArray],
        val: tuple[FloatArray, FloatArray, FloatArray, FloatArray],
        scaler: Scaler,
        targets: tuple[int, ...],
    ) -> Ridge:
        """Fit on (x, y, tod, dow) training samples, picking the penalty on validation MAE."""
        best: Ridge | None = None
        best_err = np.inf
        for penalty in RIDGE_PENALTIES:
            model = cls._solve(train, scaler, targets, penalty)
            pred = model.predict(val[0], val[2], val[3])
            truth = val[1][..., list(targets)]
            mask = truth != 0
            err = float(np.abs(pred - truth)[mask].mean()) if mask.any() else 0.0
            if err < best_err:
                best, best_err = model, err
        assert best is not None
        return best

    @classmethod
    def _solve(
        cls,
        train: tuple[FloatArray, FloatArray, FloatArray, FloatArray],
        scaler: Scaler,
        targets: tuple[int, ...],
        penalty: float,
    ) -> Ridge:
        x, y, tod, _ = train
        n = x.shape[2]
        weights = np.zeros((n, len(targets), IN_STEPS + 7, OUT_STEPS))
        for k, f in enumerate(targets):
            design = _design(scaler.transform(x)[..., f], tod)  # (N, S, D)
            goal = np.moveaxis((y[..., f] - scaler.mean[f]) / scaler.std[f], 2, 0)  # (N, S, 12)
            measured = (y[..., f] != 0).all(axis=1).T  # samples with a full target window
            design_m = design * measured[..., None]
            gram = np.einsum("nsd,nse->nde", design_m, design_m)
            gram += penalty * np.eye(design.shape[-1])[None]
            rhs = np.einsum("nsd,nsh->ndh", design_m, goal * measured[..., None])
            weights[:, k] = np.linalg.solve(gram, rhs)
        return cls(weights, scaler, targets, penalty)

    def predict(self, x: FloatArray, tod: FloatArray, dow: FloatArray) -> FloatArray:
        """Forecasts (S, 12, N, targets) from raw inputs (S, 12, N, F)."""
        del dow
        out = np.zeros((x.shape[0], OUT_STEPS, x.shape[2], len(self.targets)))
        z = self.scaler.transform(x)
        for k, f in enumerate(self.targets):
            pred = np.einsum("nsd,ndh->shn", _design(z[..., f], tod), self.weights[:, k])
            out[..., k] = self.scaler.inverse(pred, f)
        return out


def _design(z: FloatArray, tod: FloatArray) -> FloatArray:
    """Design matrix (N, S, 12 + 6 + 1): z-scored lags, daily harmonics, intercept."""
    s, _, n = z.shape
    lags = np.moveaxis(z, 2, 0)  # (N, S, 12)
    times = np.broadcast_to(time_features(tod)[None], (n, s, 6))
    ones = np.ones((n, s, 1))
    return np.concatenate([lags, times, ones], axis=-1)
