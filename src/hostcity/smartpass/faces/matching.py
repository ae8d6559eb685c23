"""Scores and decisions: cosine similarity of templates, thresholds from a target FAR, verdicts."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from hostcity.core.errors import InputError
from hostcity.smartpass.faces.types import Decision

# `hostcity pass calibrate` on lfw-dev (3,810 images, 7.25M impostor pairs) with enrolment
# templates (HOG, 5-point chip, mirror and 8 jitters): the cosine similarity that 1 in 10,000
# impostor pairs reach, 0.9436 (TAR 0.81 there). Used until an install calibrates its own.
DEFAULT_THRESHOLD = 0.944
DEFAULT_REFER_MARGIN = 0.02


@dataclass(frozen=True)
class Thresholds:
    """Score >= ``admit`` admits; within ``refer_margin`` below it, staff decide."""

    admit: float = DEFAULT_THRESHOLD
    refer_margin: float = DEFAULT_REFER_MARGIN


def similarity(a: NDArray[np.float32], b: NDArray[np.float32]) -> float:
    """Cosine similarity of two templates (1 identical, about 0 unrelated)."""
    denom = float(np.linalg.norm(a) * np.linalg.norm(b))
    return float(np.dot(a, b)) / denom if denom > 0 else 0.0


def decide(score: float | None, thresholds: Thresholds, *, quality_ok: bool = True) -> Decision:
    """Admit, deny or refer a best match of ``score`` (None when nobody was a candidate)."""
    if score is None:
        return Decision.DENY if quality_ok else Decision.REFER
    if score >= thresholds.admit:
        return Decision.ADMIT if quality_ok else Decision.REFER
    if score >= thresholds.admit - thresholds.refer_margin or not quality_ok:
        return Decision.REFER
    return Decision.DENY


def decide_one_to_many(
    scores: list[float], thresholds: Thresholds, *, quality_ok: bool = True
) -> Decision:
    """Like ``decide`` over the best candidates, referring when two holders both match."""
    ranked = sorted(scores, reverse=True)
    best = ranked[0] if ranked else None
    decision = decide(best, thresholds, quality_ok=quality_ok)
    if decision is Decision.ADMIT and len(ranked) > 1 and ranked[1] >= thresholds.admit:
        return Decision.REFER
    return decision


def threshold_for_far(impostor_scores: NDArray[np.float64], target_far: float) -> float:
    """The lowest threshold at which at most ``target_far`` of impostor scores pass.

    Raises:
        InputError: when there are too few impostor pairs to measure ``target_far``.
    """
    scores = np.sort(np.asarray(impostor_scores, dtype=np.float64))[::-1]
    if scores.size == 0 or scores.size * target_far < 1.0:
        raise InputError(
            f"{scores.size} impostor pairs cannot measure a false-accept rate of {target_far:g}",
            hint=f"give at least {int(np.ceil(1.0 / target_far))} impostor pairs "
            "(more identities or images)",
        )
    allowed = int(np.floor(scores.size * target_far))
    # Passing means score >= threshold: put it just above the (allowed+1)-th highest score.
    return float(np.nextafter(scores[allowed], np.inf))


def tar_at_far(
    genuine: NDArray[np.float64], impostor: NDArray[np.float64], target_far: float
) -> float:
    """True-accept rate at the threshold where the false-accept rate is ``target_far``.

    With fewer impostors than ``1 / target_far`` the strictest threshold (above every
    impostor score) is used, so the figure is conservative.
    """
    impostor = np.asarray(impostor, dtype=np.float64)
    genuine = np.asarray(genuine, dtype=np.float64)
    if genuine.size == 0:
        return 0.0
    if impostor.size * target_far < 1.0:
        threshold = float(np.nextafter(impostor.max(), np.inf)) if impostor.size else -np.inf
    else:
        threshold = threshold_for_far(impostor, target_far)
    return float(np.mean(genuine >= threshold))


def best_accuracy_threshold(scores: NDArray[np.float64], same: NDArray[np.bool_]) -> float:
    """The threshold that classifies the most pairs right (midpoint between sorted scores)."""
    order = np.argsort(scores)
    sorted_scores = scores[order]
    sorted_same = same[order]
    # Threshold between i-1 and i: pairs [0, i) rejected, [i, n) accepted.
    correct_rejects = np.concatenate(([0], np.cumsum(~sorted_same)))
    correct_accepts = np.concatenate((np.cumsum(sorted_same[::-1])[::-1], [0]))
    best = int(np.argmax(correct_rejects + correct_accepts))
    if best == 0:
        return float(sorted_scores[0] - 1e-6)
    if best == len(sorted_scores):
        return float(sorted_scores[-1] + 1e-6)
    return float((sorted_scores[best - 1] + sorted_scores[best]) / 2.0)


@dataclass(frozen=True)
class CrossValidation:
    """Accuracy over folds, each fold scored with the threshold chosen on the others."""

    accuracy: float
    accuracy_std: float
    fold_accuracies: list[float]
    thresholds: list[float]


def cross_validated_accuracy(
    scores: NDArray[np.float64], same: NDArray[np.bool_], folds: NDArray[np.int64]
) -> CrossValidation:
    """The standard LFW protocol: pick the threshold on k-1 folds, test on the held-out one.

    Raises:
        InputError: with fewer than two folds.
    """
    fold_ids = sorted({int(f) for f in folds})
    if len(fold_ids) < 2:
        raise InputError(
            "cross-validation needs at least two folds", hint="use a pairs file with 2+ folds"
        )
    accuracies: list[float] = []
    thresholds: list[float] = []
    for fold in fold_ids:
        test = folds == fold
        threshold = best_accuracy_threshold(scores[~test], same[~test])
        predicted = scores[test] >= threshold
        accuracies.append(float(np.mean(predicted == same[test])))
        thresholds.append(threshold)
    return CrossValidation(
        accuracy=float(np.mean(accuracies)),
        accuracy_std=float(np.std(accuracies)),
        fold_accuracies=accuracies,
        thresholds=thresholds,
    )
