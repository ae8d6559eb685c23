"""Pure logic of the faces feature: quality measures, decisions, calibration, LFW parsing."""

from __future__ import annotations

import numpy as np
import pytest

from hostcity.core.errors import InputError, RateLimitedError
from hostcity.smartpass.faces import quality
from hostcity.smartpass.faces.lfw import parse_pairs
from hostcity.smartpass.faces.matching import (
    Thresholds,
    best_accuracy_threshold,
    cross_validated_accuracy,
    decide,
    decide_one_to_many,
    tar_at_far,
    threshold_for_far,
)
from hostcity.smartpass.faces.ratelimit import RateLimiter
from hostcity.smartpass.faces.types import Decision, Landmarks


def _landmarks(nose_x: float) -> Landmarks:
    # eye A corners at x 40/60, eye B corners at x 100/120, nose below at nose_x
    return Landmarks(((60.0, 50.0), (40.0, 50.0), (100.0, 50.0), (120.0, 50.0), (nose_x, 90.0)))


@pytest.mark.parametrize(
    ("nose_x", "expected"),
    [
        pytest.param(80.0, 0.0, id="frontal"),
        pytest.param(92.0, 0.2, id="slightly-turned"),
        pytest.param(110.0, 0.5, id="profile"),
        pytest.param(50.0, 0.5, id="profile-other-side"),
    ],
)
def test_yaw_ratio_measures_nose_offset(nose_x: float, expected: float) -> None:
    assert quality.yaw_ratio(_landmarks(nose_x)) == pytest.approx(expected)


def test_laplacian_variance_is_low_for_flat_and_high_for_edges() -> None:
    flat = np.full((50, 50), 100.0, dtype=np.float32)
    checker = (np.indices((50, 50)).sum(axis=0) % 2 * 255).astype(np.float32)
    assert quality.laplacian_variance(flat) == 0.0
    assert quality.laplacian_variance(checker) > 1000


@pytest.mark.parametrize(
    ("count", "code"),
    [
        pytest.param(0, "no_face", id="none"),
        pytest.param(1, None, id="one"),
        pytest.param(3, "several_faces", id="three"),
    ],
)
def test_count_issue(count: int, code: str | None) -> None:
    issue = quality.count_issue(count)
    assert (issue.code if issue else None) == code


@pytest.mark.parametrize(
    ("score", "quality_ok", "expected"),
    [
        pytest.param(0.95, True, Decision.ADMIT, id="high"),
        pytest.param(0.95, False, Decision.REFER, id="high-poor-quality"),
        pytest.param(0.86, True, Decision.REFER, id="just-below"),
        pytest.param(0.5, True, Decision.DENY, id="low"),
        pytest.param(0.5, False, Decision.REFER, id="low-poor-quality"),
        pytest.param(None, True, Decision.DENY, id="nobody"),
    ],
)
def test_decide(score: float | None, quality_ok: bool, expected: Decision) -> None:
    assert (
        decide(score, Thresholds(admit=0.9, refer_margin=0.05), quality_ok=quality_ok) is expected
    )


def test_two_matching_holders_are_referred() -> None:
    t = Thresholds(admit=0.9, refer_margin=0.05)
    assert decide_one_to_many([0.95, 0.2], t) is Decision.ADMIT
    assert decide_one_to_many([0.95, 0.93], t) is Decision.REFER
    assert decide_one_to_many([], t) is Decision.DENY


def test_threshold_for_far_lets_through_at_most_the_target_share() -> None:
    rng = np.random.default_rng(1)
    impostor = rng.normal(0.5, 0.1, 10_000)
    threshold = threshold_for_far(impostor, 1e-3)
    assert np.mean(impostor >= threshold) <= 1e-3
    assert np.mean(impostor >= threshold - 0.01) > 1e-3 * 0.5


def test_threshold_for_far_needs_enough_impostors() -> None:
    with pytest.raises(InputError, match="impostor pairs"):
        threshold_for_far(np.array([0.1, 0.2]), 1e-3)


def test_tar_at_far_on_separable_scores() -> None:
    genuine = np.linspace(0.8, 1.0, 100)
    impostor = np.linspace(0.0, 0.7, 2000)
    assert tar_at_far(genuine, impostor, 1e-3) == 1.0
    assert tar_at_far(np.array([0.1]), impostor, 1e-3) == 0.0


def test_cross_validated_accuracy_picks_threshold_on_other_folds() -> None:
    rng = np.random.default_rng(0)
    same = np.tile(np.array([True] * 50 + [False] * 50), 4)
    scores = np.where(same, rng.normal(0.8, 0.05, same.size), rng.normal(0.4, 0.05, same.size))
    folds = np.repeat(np.arange(4), 100)
    cv = cross_validated_accuracy(scores, same, folds)
    assert cv.accuracy == 1.0
    assert all(0.5 < t < 0.7 for t in cv.thresholds)
    noisy = cross_validated_accuracy(rng.random(same.size), same, folds)
    assert noisy.accuracy < 0.75


def test_cross_validation_needs_two_folds() -> None:
    with pytest.raises(InputError, match="two folds"):
        cross_validated_accuracy(np.zeros(4), np.zeros(4, bool), np.zeros(4, np.int64))


def test_best_accuracy_threshold_separates() -> None:
    scores = np.array([0.1, 0.2, 0.8, 0.9])
    same = np.array([False, False, True, True])
    assert 0.2 < best_accuracy_threshold(scores, same) < 0.8


def test_parse_pairs_reads_folds_and_kinds() -> None:
    text = "2\t1\nA\t1\t2\nB\t1\tC\t3\nD\t2\t4\nE\t1\tF\t1\n"
    pairs = parse_pairs(text)
    assert [(p.first, p.second, p.same, p.fold) for p in pairs] == [
        ("A/A_0001.jpg", "A/A_0002.jpg", True, 0),
        ("B/B_0001.jpg", "C/C_0003.jpg", False, 0),
        ("D/D_0002.jpg", "D/D_0004.jpg", True, 1),
        ("E/E_0001.jpg", "F/F_0001.jpg", False, 1),
    ]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("x\ty\n", id="bad-header"),
        pytest.param("1\t1\nA\t1\t2\n", id="too-few-lines"),
        pytest.param("1\t1\nA\tx\t2\nB\t1\tC\t1\n", id="not-a-number"),
        pytest.param("1\t1\nA\t1\nB\t1\tC\t1\n", id="two-fields"),
    ],
)
def test_parse_pairs_rejects_malformed(text: str) -> None:
    with pytest.raises(InputError):
        parse_pairs(text)


def test_rate_limiter_counts_per_key_in_a_sliding_minute() -> None:
    now = [0.0]
    limiter = RateLimiter(3, clock=lambda: now[0])
    for _ in range(3):
        limiter.check("a")
    with pytest.raises(RateLimitedError, match="3 per minute"):
        limiter.check("a")
    limiter.check("b")
    now[0] = 60.5
    limiter.check("a")
