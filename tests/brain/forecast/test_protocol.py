"""The protocol: chronological split, windows, z-score, masked metrics."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from hostcity.brain.forecast.errors import ForecastDataError
from hostcity.brain.forecast.metrics import masked_mae, masked_mape, masked_rmse, score
from hostcity.brain.forecast.protocol import (
    IN_STEPS,
    OUT_STEPS,
    Scaler,
    chronological_split,
    min_steps,
    step_times,
    windows,
)
from hostcity.brain.forecast.types import Series


@pytest.mark.parametrize("steps", [pytest.param(1282, id="pems08"), pytest.param(200, id="short")])
def test_split_is_chronological_60_20_20_and_covers_every_window(steps: int) -> None:
    split = chronological_split(steps)
    samples = steps - IN_STEPS - OUT_STEPS + 1
    assert split.train.start == 0
    assert split.train.stop == split.val.start
    assert split.val.stop == split.test.start
    assert split.test.stop == samples
    assert abs(len(split.train) / samples - 0.6) < 0.01
    assert abs(len(split.val) / samples - 0.2) < 0.01


def test_split_refuses_too_little_history_with_the_minimum() -> None:
    with pytest.raises(ForecastDataError, match=f"at least {min_steps()}"):
        chronological_split(min_steps() - 1)


def test_windows_read_12_steps_and_predict_the_next_12() -> None:
    values = np.arange(40, dtype=np.float64).reshape(40, 1, 1)
    x, y = windows(values, range(3, 5))
    assert x.shape == (2, IN_STEPS, 1, 1)
    assert x[0, :, 0, 0].tolist() == list(range(3, 15))
    assert y[0, :, 0, 0].tolist() == list(range(15, 27))
    assert y[1, 0, 0, 0] == 16


def test_scaler_ignores_missing_zeros_and_round_trips() -> None:
    values = np.array([[[0.0]], [[2.0]], [[4.0]]])
    scaler = Scaler.fit(values)
    assert scaler.mean[0] == pytest.approx(3.0)
    assert scaler.std[0] == pytest.approx(1.0)
    z = scaler.transform(values)
    assert scaler.inverse(z[..., 0], 0) == pytest.approx(values[..., 0])


def test_step_times_follow_the_start_time() -> None:
    start = datetime(2026, 2, 1, 23, 55, tzinfo=UTC)  # a Sunday, one step before midnight
    series = Series(np.zeros((3, 1, 1)), ("a",), ("flow",), start)
    tod, dow = step_times(series)
    assert tod[0] == pytest.approx((23 * 60 + 55) / 1440)
    assert tod[1] == pytest.approx(0.0)
    assert dow.tolist() == [6, 0, 0]


@pytest.mark.parametrize(
    ("pred", "truth", "mae", "rmse", "mape"),
    [
        pytest.param([1.0, 2.0], [2.0, 4.0], 1.5, np.sqrt(2.5), 50.0, id="all-measured"),
        pytest.param([9.0, 2.0], [0.0, 4.0], 2.0, 2.0, 50.0, id="zero-truth-masked"),
        pytest.param([5.0, 5.0], [0.0, 0.0], np.nan, np.nan, np.nan, id="nothing-measured"),
    ],
)
def test_metrics_mask_points_where_the_truth_is_zero(
    pred: list[float], truth: list[float], mae: float, rmse: float, mape: float
) -> None:
    p, t = np.array(pred), np.array(truth)
    assert masked_mae(p, t) == pytest.approx(mae, nan_ok=True)
    assert masked_rmse(p, t) == pytest.approx(rmse, nan_ok=True)
    assert masked_mape(p, t) == pytest.approx(mape, nan_ok=True)


def test_score_reports_horizons_3_6_12() -> None:
    truth = np.ones((4, 12, 2))
    pred = truth + np.arange(1, 13)[None, :, None]  # error grows by one per horizon
    figures = score(pred, truth)
    assert figures["mae"] == pytest.approx(6.5)
    assert (figures["mae_h3"], figures["mae_h6"], figures["mae_h12"]) == (3.0, 6.0, 12.0)


def test_metrics_refuse_mismatched_shapes() -> None:
    with pytest.raises(ValueError, match="shape"):
        masked_mae(np.zeros(3), np.zeros(4))


def test_series_history_reads_windows_and_pads_outside_the_series() -> None:
    from datetime import timedelta

    from hostcity.brain.forecast.errors import UnknownDetectorError
    from hostcity.brain.forecast.history import SeriesHistory, recent_window

    start = datetime(2026, 2, 2, tzinfo=UTC)
    values = np.arange(30, dtype=np.float64).reshape(5, 2, 3)
    history = SeriesHistory(Series(values, ("a", "b"), ("flow", "occupancy", "speed"), start))
    assert history.latest_time() == start + timedelta(minutes=20)
    recent = recent_window(history, ["b"], 3, ("speed", "flow"))
    assert recent.start == start + timedelta(minutes=10)
    assert recent.values[:, 0].tolist() == [[17.0, 15.0], [23.0, 21.0], [29.0, 27.0]]
    assert recent.observed.tolist() == [[True], [True], [True]]
    outside = history.observed(["a", "b"], start - timedelta(minutes=5), 2)
    assert outside.tolist() == [[False, False], [True, True]]
    padded = history.window(["b"], start - timedelta(minutes=5), 2, ("flow",))
    assert padded[:, 0, 0].tolist() == [0.0, 3.0]
    with pytest.raises(UnknownDetectorError, match="zz"):
        history.window(["zz"], start, 1, ("flow",))


def test_gaps_take_the_nearest_reading_before_them_else_the_one_after() -> None:
    from hostcity.brain.forecast.history import fill_gaps

    values = np.array([[0.0, 5.0, 0.0], [2.0, 0.0, 0.0], [0.0, 0.0, 0.0], [4.0, 7.0, 0.0]])
    observed = np.array(
        [[False, True, False], [True, False, False], [False, False, False], [True, True, False]]
    )
    filled = fill_gaps(values[..., None], observed)[..., 0]
    assert filled[:, 0].tolist() == [2.0, 2.0, 2.0, 4.0]  # leading gap: the first reading after
    assert filled[:, 1].tolist() == [5.0, 5.0, 5.0, 7.0]  # inner gap: the last reading before
    assert filled[:, 2].tolist() == [0.0, 0.0, 0.0, 0.0]  # never observed: left as it was
    assert values[0, 0] == 0.0  # the input is not changed


def test_a_measured_zero_counts_where_a_missing_reading_does_not() -> None:
    from hostcity.brain.forecast.history import mark_measured_zeros
    from hostcity.brain.forecast.metrics import masked_mae, masked_mape
    from hostcity.brain.forecast.types import MEASURED_ZERO

    values = np.zeros((2, 1, 2))  # flow, speed: nobody passed at step 0, no reading at step 1
    observed = np.array([[True], [False]])
    marked = mark_measured_zeros(values, observed, ("flow", "speed"))
    assert marked[:, 0, 0].tolist() == [MEASURED_ZERO, 0.0]
    assert marked[:, 0, 1].tolist() == [0.0, 0.0]  # no vehicle: no speed either way
    truth = np.array([MEASURED_ZERO, 0.0, 10.0])
    pred = np.array([2.0, 5.0, 8.0])
    assert masked_mae(pred, truth) == pytest.approx(2.0)  # the measured 0 counts, the gap not
    assert masked_mape(pred, truth) == pytest.approx(20.0)  # a 0 has no percentage


def test_the_band_holds_the_forecast_and_its_coverage_counts_measured_truths() -> None:
    from hostcity.brain.forecast.metrics import band_coverage, band_edges

    low, high = band_edges(
        np.array([10.0, 1.0, 5.0]), np.array([-2.0, -3.0, 1.0]), np.array([3.0, 1.0, -1.0])
    )
    assert low.tolist() == [8.0, 0.0, 5.0]  # never below 0; widened to hold the forecast
    assert high.tolist() == [13.0, 2.0, 5.0]
    pred = np.full((1, 2, 2), 10.0)
    band = np.zeros((2, 2, 2))
    band[..., 0], band[..., 1] = -2.0, 2.0
    truth = np.array([[[9.0, 13.0], [0.0, 12.0]]])  # inside, above, not measured, on the edge
    assert band_coverage(pred, truth, band) == 2 / 3
    assert np.isnan(band_coverage(pred, truth * 0, band))
