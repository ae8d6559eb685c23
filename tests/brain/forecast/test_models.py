"""Baselines and the learned model on synthetic signals with a daily cycle."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import numpy as np
import pytest

from hostcity.brain.forecast import graph as graph_math
from hostcity.brain.forecast import learned
from hostcity.brain.forecast.backtest import Prepared, prepare, residual_band, run_backtest
from hostcity.brain.forecast.baselines import HistoricalAverage, LastValue, Ridge
from hostcity.brain.forecast.errors import ForecastConfigError
from hostcity.brain.forecast.learned import TrainConfig
from hostcity.brain.forecast.local_linear import LocalLoss, fit_local
from hostcity.brain.forecast.protocol import STEPS_PER_DAY, Scaler
from hostcity.brain.forecast.synthetic import corridor
from hostcity.brain.forecast.types import SensorGraph, Series
from hostcity.brain.forecast.validation import check_graph

TINY = TrainConfig(node_dim=8, layers=1, max_epochs=30, patience=30, threads=1, members=1)
TINY_GRAPH_MLP = TrainConfig(
    design="graph_mlp",
    schedule="cosine",
    hidden=32,
    node_dim=4,
    layers=1,
    max_epochs=6,
    patience=6,
    threads=1,
    members=1,
)


def periodic(days: float, sensors: int = 3) -> Series:
    """A clean daily sine per detector (flow only), never zero."""
    t = np.arange(round(days * STEPS_PER_DAY))
    flow = 100 + 50 * np.sin(2 * np.pi * t / STEPS_PER_DAY)[:, None] * (1 + np.arange(sensors))
    flow = np.maximum(flow, 1.0)
    return Series(
        flow[..., None],
        tuple(map(str, range(sensors))),
        ("flow",),
        datetime(2026, 1, 5, tzinfo=UTC),
    )


def test_last_value_repeats_the_last_input() -> None:
    x = np.arange(24, dtype=np.float64).reshape(1, 12, 1, 2)
    pred = LastValue((1,)).predict(x, np.zeros(1), np.zeros(1))
    assert pred.shape == (1, 12, 1, 1)
    assert set(pred.ravel()) == {23.0}


def test_historical_average_learns_a_daily_profile() -> None:
    series = periodic(days=3)
    prepared = prepare(series, check_graph([("0", "1", 1.0)], series.sensor_ids, source="t"))
    result = run_backtest(prepared, learned=False)
    scores = {m.score.name: m.score for m in result.models}
    assert scores["historical_average"].mae < 0.5 * scores["last_value"].mae
    assert scores["ridge"].mae < scores["last_value"].mae


def test_historical_average_needs_a_day_of_history() -> None:
    assert not HistoricalAverage.enough_history(STEPS_PER_DAY - 1)
    series = periodic(days=1.2)
    prepared = prepare(series, check_graph([("0", "1", 1.0)], series.sensor_ids, source="t"))
    names = [m.score.name for m in run_backtest(prepared, learned=False).models]
    assert names == ["last_value", "ridge"]


def test_ridge_recovers_a_linear_trend_exactly() -> None:
    rng = np.random.default_rng(0)
    series = periodic(days=1.5, sensors=2)
    noisy = series.values + rng.normal(0, 0.01, series.values.shape)
    prepared = prepare(
        Series(noisy, series.sensor_ids, ("flow",), series.start),
        check_graph([("0", "1", 1.0)], series.sensor_ids, source="t"),
    )
    model = Ridge.fit(prepared.train, prepared.val, prepared.scaler, prepared.targets)
    x, y, tod, dow = prepared.test
    assert np.abs(model.predict(x, tod, dow)[..., 0] - y[..., 0]).mean() < 1.0


def test_backtest_json_has_every_model_and_the_standard_keys() -> None:
    series, edges = corridor(days=2.5, sensors=5, seed=3)
    prepared = prepare(series, check_graph(edges, series.sensor_ids, source="t"))
    fractions: list[float] = []
    result = run_backtest(prepared, config=TINY, progress=lambda f, _m: fractions.append(f))
    body = result.to_dict()
    names = [m["name"] for m in body["models"]]
    assert names == ["last_value", "historical_average", "ridge", "graph_mlp"]
    keys = {"name", "mae", "rmse", "mape", "mae_h3", "mae_h6", "mae_h12", "train_seconds"}
    assert all(keys <= set(m) for m in body["models"])
    assert series.feature_names == ("flow", "speed")  # so the congestion layer's skill too:
    assert all("congestion_flags" in m and "congestion_events" in m for m in body["models"])
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert body["best_baseline"] in names


@pytest.mark.parametrize(
    ("seed", "config"),
    [
        pytest.param(0, TINY, id="embedding-seed0"),
        pytest.param(1, TINY, id="embedding-seed1"),
        pytest.param(0, TINY_GRAPH_MLP, id="graph_mlp"),
    ],
)
def test_learned_model_beats_last_value_on_an_easy_corridor(seed: int, config: TrainConfig) -> None:
    series, edges = corridor(days=3.0, sensors=6, seed=seed, noise=0.02)
    prepared = prepare(series, check_graph(edges, series.sensor_ids, source="t"))
    result = run_backtest(prepared, config=config)
    scores = {m.score.name: m.score for m in result.models}
    learned = result.learned()
    assert learned is not None and learned.score.train_seconds > 0
    assert scores["graph_mlp"].mae < scores["last_value"].mae
    band = learned.band
    assert band.shape == (12, 6, 2, 2)  # horizons, detectors, flow and speed, low and high
    assert (band[..., 0] <= band[..., 1]).all()
    assert (band[0, :, 0, 1] < band[11, :, 0, 1]).all()  # flow: wider an hour out
    assert len(set(band[0, :, 0, 1].round(6))) == 6  # each detector has its own


def _fit_corridor(*, seed: int, config: TrainConfig) -> tuple[Prepared, learned.LearnedForecaster]:
    """A 3-day synthetic corridor of 4 sensors, prepared, and the learned model fitted on it."""
    series, edges = corridor(days=3.0, sensors=4, seed=seed, noise=0.02)
    p = prepare(series, check_graph(edges, series.sensor_ids, source="t"))
    fitted = learned.train(
        p.train,
        p.val,
        scaler=p.scaler,
        targets=p.targets,
        transition_mats=p.transitions(),
        config=config,
    )
    return p, fitted


def test_ensemble_forecast_is_the_mean_of_its_members_and_reloads() -> None:
    config = replace(TINY, members=2, max_epochs=2)
    p, fitted = _fit_corridor(seed=0, config=config)
    x, _, tod, dow = p.test
    both = fitted.predict(x, tod, dow)
    alone = [
        learned.LearnedForecaster(learned.Ensemble([member]), p.scaler, p.targets, config)
        for member in fitted.model.members
        if isinstance(member, learned.EmbeddingMLP)
    ]
    assert len(alone) == 2
    mean = (alone[0].predict(x, tod, dow) + alone[1].predict(x, tod, dow)) / 2
    np.testing.assert_allclose(both, mean, rtol=1e-4, atol=1e-3)
    reloaded = learned.load(fitted.state(), p.scaler, p.targets, p.transitions(), x.shape[-1])
    np.testing.assert_allclose(reloaded.predict(x, tod, dow), both, rtol=1e-5, atol=1e-4)


def test_a_single_model_saved_before_ensembles_still_loads() -> None:
    config = replace(TINY_GRAPH_MLP, members=1, max_epochs=1)
    p, fitted = _fit_corridor(seed=1, config=config)
    member = fitted.model.members[0]
    newer = {"members", "train_local", "design", "schedule", "graph_head"}
    old_config = {k: v for k, v in config.to_dict().items() if k not in newer}
    old_state = {"weights": member.state_dict(), "config": old_config}
    x, _, tod, dow = p.test
    reloaded = learned.load(old_state, p.scaler, p.targets, p.transitions(), x.shape[-1])
    assert len(reloaded.model.members) == 1
    assert isinstance(reloaded.model.members[0], learned.GraphMLP)
    np.testing.assert_allclose(
        reloaded.predict(x, tod, dow), fitted.predict(x, tod, dow), atol=1e-4
    )


def _linear_samples(outlier: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A design (S, N, 3) with a constant column, exact linear targets (S, 12, N, 1) in which
    one sample in ten is shifted by ``outlier``, and the true weights (N, 3, 12)."""
    rng = np.random.default_rng(7)
    samples, sensors = 400, 2
    design = rng.normal(size=(samples, sensors, 3))
    design[..., 0] = 1.0
    truth = rng.normal(size=(sensors, 3, 12))
    y = np.einsum("snd,ndo->son", design, truth)
    y[::10] += outlier
    return design, y[..., None], truth


@pytest.mark.parametrize(
    ("loss", "close"),
    [
        pytest.param("lad", True, id="lad-ignores-outliers"),
        pytest.param("ridge", False, id="ridge"),
    ],
)
def test_local_fit_with_lad_ignores_outliers_that_pull_ridge(loss: LocalLoss, close: bool) -> None:
    design, y, truth = _linear_samples(outlier=20.0)
    scaler = Scaler(np.zeros(1), np.ones(1))
    weights = fit_local(design, y, scaler, (0,), penalty=1e-6, loss=loss)
    assert weights.shape == truth.shape
    error = float(np.abs(weights - truth).max())
    assert (error < 0.05) if close else (error > 1.0)


def test_lad_and_ridge_agree_without_outliers() -> None:
    design, y, _ = _linear_samples(outlier=0.0)
    scaler = Scaler(np.zeros(1), np.ones(1))
    lad = fit_local(design, y, scaler, (0,), penalty=1e-6, loss="lad")
    ridge = fit_local(design, y, scaler, (0,), penalty=1e-6, loss="ridge")
    np.testing.assert_allclose(lad, ridge, atol=1e-3)


def test_an_unknown_local_loss_is_refused_with_the_allowed_ones() -> None:
    with pytest.raises(ForecastConfigError, match="local_loss 'l1'") as caught:
        TrainConfig(**{"local_loss": "l1"})
    assert "ridge, lad" in (caught.value.hint or "")


def test_a_lad_linear_part_trains_and_reloads() -> None:
    config = replace(TINY_GRAPH_MLP, local_loss="lad", max_epochs=2)
    p, fitted = _fit_corridor(seed=2, config=config)
    x, y, tod, dow = p.test
    pred = fitted.predict(x, tod, dow)
    last = LastValue(p.targets).predict(x, tod, dow)
    flow = y[..., p.targets[0]]
    assert np.abs(pred[..., 0] - flow).mean() < np.abs(last[..., 0] - flow).mean()
    reloaded = learned.load(fitted.state(), p.scaler, p.targets, p.transitions(), x.shape[-1])
    assert reloaded.config.local_loss == "lad"
    np.testing.assert_allclose(reloaded.predict(x, tod, dow), pred, rtol=1e-5, atol=1e-4)


def test_a_detector_with_few_validation_readings_gets_the_shared_band() -> None:
    series, edges = corridor(days=3.0, sensors=4, seed=2, noise=0.05)
    p = prepare(series, check_graph(edges, series.sensor_ids, source="t"))
    x, y, tod, dow = p.val
    y = y.copy()
    y[5:, :, 0, :] = 0.0  # detector 0: only 5 validation samples read (0 is missing)
    quiet = replace(p, val=(x, y, tod, dow))
    last = LastValue(p.targets)
    band = residual_band(quiet, last)
    resid = np.where(y[..., 0] != 0, y[..., 0] - last.predict(x, tod, dow)[..., 0], np.nan)
    for h in (0, 11):
        shared = np.nanquantile(resid[:, h, :], [0.1, 0.9])
        own = np.nanquantile(resid[:, h, 1], [0.1, 0.9])
        assert band[h, 0, 0] == pytest.approx(shared)
        assert band[h, 1, 0] == pytest.approx(own)


def test_the_graph_head_starts_silent_and_learns_from_the_neighbours() -> None:
    """The embedding design's graph head is zero until training finds the road graph useful."""
    untrained = replace(TINY, max_epochs=1, lr=0.0)
    _, still = _fit_corridor(seed=0, config=untrained)
    [member] = still.model.members
    assert isinstance(member, learned.EmbeddingMLP) and member.graph_decode is not None
    assert float(member.graph_decode.weight.detach().abs().sum()) == 0.0
    _, trained = _fit_corridor(seed=0, config=TINY)
    [member] = trained.model.members
    assert isinstance(member, learned.EmbeddingMLP) and member.graph_decode is not None
    assert float(member.graph_decode.weight.detach().abs().sum()) > 0.0


def test_evenly_spaced_sensors_are_still_linked() -> None:
    """Links of nearly equal length: a kernel as wide as their spread would weigh them all 0."""
    even = SensorGraph((0, 1, 2), (1, 2, 3), (500.0, 510.0, 520.0))
    a = graph_math.adjacency(even, 4)
    assert (a[[0, 1, 2], [1, 2, 3]] > 0.3).all()
    spread = SensorGraph((0, 1), (1, 2), (100.0, 900.0))  # the usual case: the spread decides
    b = graph_math.adjacency(spread, 3)
    assert b[0, 1] == pytest.approx(np.exp(-((100 / 400) ** 2)))
    assert b[1, 2] == pytest.approx(np.exp(-((900 / 400) ** 2)))
