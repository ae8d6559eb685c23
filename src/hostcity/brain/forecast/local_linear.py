"""The learned model's per-detector linear part: ridge or least absolute deviations (IRLS)."""

from __future__ import annotations

from typing import Literal

import numpy as np

from hostcity.brain.forecast.protocol import Scaler
from hostcity.brain.forecast.types import FloatArray

LocalLoss = Literal["ridge", "lad"]
LAD_ITERATIONS = 15
LAD_FLOOR = 0.05  # z-score residuals below this get the same weight, so IRLS stays stable


def fit_local(
    design_snd: FloatArray,
    y: FloatArray,
    scaler: Scaler,
    targets: tuple[int, ...],
    *,
    penalty: float,
    loss: LocalLoss,
) -> FloatArray:
    """Per-detector linear weights (N, LOCAL_WIDTH, 12 * targets) from the local design.

    ``loss`` picks ridge (squared error) or least absolute deviations, the loss the benchmark
    scores, fitted by iteratively reweighted ridge from the ridge solution. Both use the ridge
    ``penalty``.
    """
    design = design_snd.transpose(1, 0, 2)  # (N, S, D)
    n, s, _ = design.shape
    goal = scaler.transform(y)[..., list(targets)].transpose(2, 0, 1, 3).reshape(n, s, -1)
    ridge = penalty * np.eye(design.shape[-1])[None]
    gram = np.einsum("nsd,nse->nde", design, design) + ridge
    weights: FloatArray = np.linalg.solve(gram, np.einsum("nsd,nso->ndo", design, goal))
    if loss == "lad":
        weights = _reweighted_lad(design, goal, weights, ridge)
    return weights


def _reweighted_lad(
    design: FloatArray, goal: FloatArray, weights: FloatArray, penalty: FloatArray
) -> FloatArray:
    """Least-absolute-deviation weights (N, D, O) by IRLS: ridge with weights 1 / |residual|."""
    design_t = design.transpose(0, 2, 1)  # (N, D, S)
    out = weights.copy()
    for _ in range(LAD_ITERATIONS):
        resid = goal - np.einsum("nsd,ndo->nso", design, out)
        sample_w = 1.0 / np.maximum(np.abs(resid), LAD_FLOOR)  # (N, S, O)
        for o in range(goal.shape[-1]):
            w = sample_w[..., o]
            gram = (design_t * w[:, None, :]) @ design + penalty
            rhs = design_t @ (w * goal[..., o])[..., None]
            out[:, :, o] = np.linalg.solve(gram, rhs)[..., 0]
    return out
