"""The backtest: fit every baseline and the learned model on one split and score them on test."""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from hostcity.brain.forecast import graph as graph_math
from hostcity.brain.forecast.baselines import HistoricalAverage, LastValue, Ridge
from hostcity.brain.forecast.congestion import Thresholds, congestion_skill, training_thresholds
from hostcity.brain.forecast.metrics import band_coverage, score
from hostcity.brain.forecast.protocol import (
    IN_STEPS,
    Scaler,
    Split,
    chronological_split,
    step_times,
    windows,
)
from hostcity.brain.forecast.types import FLOW, SPEED, FloatArray, ModelScore, SensorGraph, Series

if TYPE_CHECKING:
    from hostcity.brain.forecast.learned import TrainConfig

ProgressFn = Callable[[float, str], None]
Samples = tuple[FloatArray, FloatArray, FloatArray, FloatArray]
BAND = (0.1, 0.9)
MIN_BAND_SAMPLES = 30  # validation residuals a detector needs for a band of its own


class Forecaster(Protocol):
    """Anything that turns 12 steps of raw inputs into 12 steps of raw forecasts."""

    name: str

    def predict(self, x: FloatArray, tod: FloatArray, dow: FloatArray) -> FloatArray:
        """Forecasts (S, 12, N, targets) from inputs (S, 12, N, F)."""
        ...


@dataclass(frozen=True)
class Prepared:
    """A checked series cut by the protocol, with everything the models are fitted on."""

    series: Series
    graph: SensorGraph
    split: Split
    scaler: Scaler
    targets: tuple[int, ...]
    train: Samples
    val: Samples
    test: Samples

    @property
    def target_names(self) -> tuple[str, ...]:
        """Names of the forecast features: flow, and speed when measured."""
        return tuple(self.series.feature_names[t] for t in self.targets)

    def transitions(self) -> list[FloatArray]:
        """Forward and backward random-walk matrices of the sensor graph."""
        return list(graph_math.transitions(graph_math.adjacency(self.graph, self.series.sensors)))


def prepare(series: Series, graph: SensorGraph) -> Prepared:
    """Split the series, fit the z-score on the training part and cut the windows.

    Raises:
        ForecastDataError: when the series is too short for the protocol.
    """
    split = chronological_split(series.steps)
    tod, dow = step_times(series)
    values = series.values
    targets = tuple(
        i for i in (series.feature_index(FLOW), series.feature_index(SPEED)) if i is not None
    ) or (0,)

    def cut(samples: range) -> Samples:
        x, y = windows(values, samples)
        first_target = np.asarray(samples) + IN_STEPS
        return x, y, tod[first_target], dow[first_target]

    return Prepared(
        series=series,
        graph=graph,
        split=split,
        scaler=Scaler.fit(values[: split.train_steps]),
        targets=targets,
        train=cut(split.train),
        val=cut(split.val),
        test=cut(split.test),
    )


@dataclass
class FittedModel:
    """A fitted forecaster, its test score and its validation residual band per horizon."""

    forecaster: Forecaster
    score: ModelScore
    band: FloatArray  # (12, N, targets, 2): residual quantiles BAND of truth - forecast
    baseline: bool


@dataclass
class BacktestResult:
    """Every model of one run, best first within baselines and the learned model."""

    prepared: Prepared
    models: list[FittedModel] = field(default_factory=list)

    def best_baseline(self) -> FittedModel:
        """The baseline with the lowest test MAE."""
        return min((m for m in self.models if m.baseline), key=lambda m: m.score.mae)

    def learned(self) -> FittedModel | None:
        """The learned model, when one was trained."""
        return next((m for m in self.models if not m.baseline), None)

    def chosen(self) -> FittedModel:
        """The learned model when it beats every baseline, else the best baseline."""
        learned = self.learned()
        best = self.best_baseline()
        return learned if learned and learned.score.mae < best.score.mae else best

    def to_dict(self) -> dict[str, Any]:
        """The JSON report: ``models`` plus the split and the verdict."""
        best = self.best_baseline()
        learned = self.learned()
        out: dict[str, Any] = {
            "models": [m.score.to_dict() for m in self.models],
            "best_baseline": best.score.name,
            "chosen": self.chosen().score.name,
            "steps": self.prepared.series.steps,
            "sensors": self.prepared.series.sensors,
            "split_samples": {
                "train": len(self.prepared.split.train),
                "val": len(self.prepared.split.val),
                "test": len(self.prepared.split.test),
            },
            "target": self.prepared.target_names[0],
        }
        if learned is not None:
            gain = 1 - learned.score.mae / best.score.mae
            out["learned_vs_best_baseline_pct"] = round(100 * gain, 2)
        return out


def run_backtest(
    prepared: Prepared,
    *,
    config: TrainConfig | None = None,
    learned: bool = True,
    progress: ProgressFn | None = None,
) -> BacktestResult:
    """Fit the baselines and (optionally) the learned model, and score all on the test part.

    Args:
        prepared: Output of ``prepare``.
        config: Size and budget of the learned model; defaults when None.
        learned: False to run the baselines only.
        progress: Called with (fraction, message); training takes most of the run.
    """
    report = progress or (lambda _f, _m: None)
    result = BacktestResult(prepared)
    p = prepared
    train_end = p.split.train_steps
    tod, dow = step_times(p.series)
    fits: list[tuple[Callable[[], Forecaster], bool]] = [
        (lambda: LastValue(p.targets), True),
        (lambda: Ridge.fit(p.train, p.val, p.scaler, p.targets), True),
    ]
    if HistoricalAverage.enough_history(train_end):
        fits.insert(
            1,
            (
                lambda: HistoricalAverage.fit(
                    p.series.values[:train_end], tod[:train_end], dow[:train_end], p.targets
                ),
                True,
            ),
        )
    thresholds = training_thresholds(p.series.values[:train_end], p.series.feature_names)
    for i, (fit, is_baseline) in enumerate(fits):
        report(0.02 * i, "fitting baselines")
        result.models.append(_fit_and_score(p, fit, is_baseline, thresholds))
    if learned:
        from hostcity.brain.forecast import learned as learned_model

        cfg = config or learned_model.TrainConfig()

        def fit_learned() -> Forecaster:
            def train_progress(fraction: float, message: str) -> None:
                report(0.1 + 0.88 * fraction, message)

            return learned_model.train(
                p.train,
                p.val,
                scaler=p.scaler,
                targets=p.targets,
                transition_mats=p.transitions(),
                config=cfg,
                progress=train_progress,
            )

        result.models.append(_fit_and_score(p, fit_learned, False, thresholds))
    report(1.0, "scored on the test part")
    return result


def _fit_and_score(
    prepared: Prepared,
    fit: Callable[[], Forecaster],
    baseline: bool,
    thresholds: list[Thresholds],
) -> FittedModel:
    started = time.monotonic()
    forecaster = fit()
    seconds = time.monotonic() - started
    x, y, tod, dow = prepared.test
    pred = forecaster.predict(x, tod, dow)
    flow = prepared.targets[0]
    figures = score(pred[..., 0], y[..., flow])
    extra: dict[str, float] = {}
    if len(prepared.targets) > 1:
        extra[f"{prepared.target_names[1]}_mae"] = score(pred[..., 1], y[..., prepared.targets[1]])[
            "mae"
        ]
    band = residual_band(prepared, forecaster)
    # how often the drawn band (10th-90th percentile of validation errors) held the truth
    extra["band_coverage"] = round(band_coverage(pred[..., 0], y[..., flow], band[:, :, 0]), 4)
    if {FLOW, SPEED} <= set(prepared.target_names):  # where the live map would flag congestion
        truth = y[..., list(prepared.targets)]
        extra.update(congestion_skill(pred, truth, prepared.target_names, thresholds, band))
    epochs = getattr(forecaster, "epochs", 0)
    if epochs:  # the learned model: how far training went
        extra["epochs"] = epochs
        extra["members_cut_by_budget"] = getattr(forecaster, "cut_members", 0)
    model_score = ModelScore(
        name=forecaster.name,
        train_seconds=round(seconds, 2),
        extra=extra,
        **{k: round(v, 4) for k, v in figures.items()},
    )
    return FittedModel(forecaster, model_score, band, baseline)


def residual_band(prepared: Prepared, forecaster: Forecaster) -> FloatArray:
    """Quantiles ``BAND`` of validation residuals (truth - forecast), shape (12, N, targets, 2).

    Each detector gets its own band where it has ``MIN_BAND_SAMPLES`` validation residuals at
    that horizon (a quiet side street and a busy arterial err by very different amounts);
    the others get the band of all detectors together. Steps whose truth is 0 (missing) are
    left out.
    """
    x, y, tod, dow = prepared.val
    pred = forecaster.predict(x, tod, dow)  # (samples, 12, N, targets)
    _, steps, sensors, _ = pred.shape
    band = np.zeros((steps, sensors, len(prepared.targets), 2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-missing slices give NaN, handled
        for k, f in enumerate(prepared.targets):
            truth = y[..., f]
            resid = np.where(truth != 0, truth - pred[..., k], np.nan)  # (samples, 12, N)
            pooled = np.nanquantile(resid.transpose(1, 0, 2).reshape(steps, -1), BAND, axis=1)
            own = np.nanquantile(resid, BAND, axis=0)  # (2, 12, N)
            enough = np.sum(~np.isnan(resid), axis=0) >= MIN_BAND_SAMPLES  # (12, N)
            chosen = np.where(enough[None], own, pooled[:, :, None])
            band[:, :, k, :] = np.nan_to_num(chosen).transpose(1, 2, 0)
    return band
