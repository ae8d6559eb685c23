"""Masked error metrics: points where the truth is 0 (not measured) are left out; a measured 0
of the store's series (``MEASURED_ZERO``) counts."""

from __future__ import annotations

import numpy as np

from hostcity.brain.forecast.types import MEASURED_ZERO, FloatArray

HORIZONS_REPORTED = (3, 6, 12)


def _masked(pred: FloatArray, truth: FloatArray) -> tuple[FloatArray, FloatArray]:
    if pred.shape != truth.shape:
        raise ValueError(f"prediction shape {pred.shape} differs from truth shape {truth.shape}")
    mask = (truth != 0) & np.isfinite(truth)
    return pred[mask], truth[mask]


def masked_mae(pred: FloatArray, truth: FloatArray) -> float:
    """Mean absolute error over points with a non-zero truth (NaN when there are none)."""
    p, t = _masked(pred, truth)
    return float(np.abs(p - t).mean()) if t.size else float("nan")


def masked_rmse(pred: FloatArray, truth: FloatArray) -> float:
    """Root mean squared error over points with a non-zero truth."""
    p, t = _masked(pred, truth)
    return float(np.sqrt(((p - t) ** 2).mean())) if t.size else float("nan")


def masked_mape(pred: FloatArray, truth: FloatArray) -> float:
    """Mean absolute percentage error (in percent) over points with a non-zero truth; a
    measured 0 (``MEASURED_ZERO``) counts in MAE and RMSE but has no percentage."""
    p, t = _masked(pred, truth)
    keep = np.abs(t) > MEASURED_ZERO
    p, t = p[keep], t[keep]
    return float((np.abs(p - t) / np.abs(t)).mean() * 100) if t.size else float("nan")


def score(pred: FloatArray, truth: FloatArray) -> dict[str, float]:
    """MAE, RMSE and MAPE over all horizons, and MAE at horizons 3, 6 and 12.

    Args:
        pred: Predictions of shape (S, H, N), H >= 12.
        truth: Observations of the same shape.
    """
    out = {
        "mae": masked_mae(pred, truth),
        "rmse": masked_rmse(pred, truth),
        "mape": masked_mape(pred, truth),
    }
    for h in HORIZONS_REPORTED:
        out[f"mae_h{h}"] = masked_mae(pred[:, h - 1], truth[:, h - 1])
    return out


def per_horizon_mae(pred: FloatArray, truth: FloatArray) -> list[float]:
    """Masked MAE at each horizon."""
    return [masked_mae(pred[:, h], truth[:, h]) for h in range(pred.shape[1])]


def band_edges(
    forecast: FloatArray, low_offset: FloatArray, high_offset: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """The band drawn around a forecast: its residual quantiles added, widened where needed to
    hold the forecast itself, and never below 0 (a count or a speed)."""
    low = np.maximum(0.0, np.minimum(forecast + low_offset, forecast))
    high = np.maximum(forecast + high_offset, forecast)
    return low, high


def band_coverage(pred: FloatArray, truth: FloatArray, band: FloatArray) -> float:
    """Share of the measured truths (non-zero) inside the band drawn around each forecast.

    Args:
        pred: Forecasts (S, H, N).
        truth: Observations of the same shape.
        band: Residual quantiles (H, N, 2): the low and the high offset.
    """
    low, high = band_edges(pred, band[None, ..., 0], band[None, ..., 1])
    mask = (truth != 0) & np.isfinite(truth)
    inside = (truth >= low) & (truth <= high)
    return float(inside[mask].mean()) if mask.any() else float("nan")
