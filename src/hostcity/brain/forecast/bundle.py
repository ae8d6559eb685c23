"""A trained bundle: every fitted model of one run, its metrics, bands and recent history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from hostcity.brain.forecast.backtest import BacktestResult, Forecaster
from hostcity.brain.forecast.congestion import training_thresholds
from hostcity.brain.forecast.types import FloatArray, SensorGraph

TAIL_STEPS = 48
"""Steps of the newest data kept with a bundle: inputs and a chart's history when no store runs."""


@dataclass
class ModelBundle:
    """Fitted models with what the live service needs to use and explain them.

    Attributes:
        version: Sortable id (creation time).
        metadata: JSON-ready facts: data range, metrics, chosen model, feature names.
        forecasters: Fitted models by name.
        bands: Validation residual quantiles per model, (12, N, targets, 2).
        graph: The sensor graph the models were fitted with.
        tail: The newest TAIL_STEPS observations (T, N, F) of the training data.
        congestion_speed: Per detector, the speed under which traffic counts as congested.
        congestion_flow: Per detector, the flow above which traffic counts as heavy.
    """

    version: str
    metadata: dict[str, Any]
    forecasters: dict[str, Forecaster]
    bands: dict[str, FloatArray]
    graph: SensorGraph
    tail: FloatArray
    congestion_speed: FloatArray
    congestion_flow: FloatArray

    @property
    def sensor_ids(self) -> list[str]:
        """Detector ids, in column order."""
        return list(self.metadata["sensor_ids"])

    @property
    def feature_names(self) -> tuple[str, ...]:
        """Input feature names, in column order."""
        return tuple(self.metadata["feature_names"])

    @property
    def target_names(self) -> tuple[str, ...]:
        """Forecast feature names."""
        return tuple(self.metadata["target_names"])

    @property
    def beats_baselines(self) -> bool:
        """Whether the learned model beat every baseline on the test part."""
        return bool(self.metadata["beats_baselines"])

    @property
    def chosen(self) -> str:
        """Name of the model the live service uses."""
        return str(self.metadata["chosen"])

    @property
    def tail_end(self) -> datetime:
        """Time of the newest step kept in ``tail``."""
        return datetime.fromisoformat(self.metadata["data"]["end"])

    @property
    def tail_start(self) -> datetime:
        """Time of the oldest step kept in ``tail``."""
        return self.tail_end - timedelta(seconds=(self.tail.shape[0] - 1) * 300)


def from_backtest(
    result: BacktestResult, *, version: str, created_at: datetime, source: str
) -> ModelBundle:
    """Gather a backtest's fitted models into a bundle."""
    p = result.prepared
    series = p.series
    end = series.start + timedelta(seconds=(series.steps - 1) * series.step_s)
    thresholds = training_thresholds(series.values[: p.split.train_steps], series.feature_names)
    learned = result.learned()
    metadata: dict[str, Any] = {
        "version": version,
        "created_at": created_at.isoformat(),
        "data": {
            "source": source,
            "start": series.start.isoformat(),
            "end": end.isoformat(),
            "steps": series.steps,
            "step_s": series.step_s,
        },
        "sensor_ids": list(series.sensor_ids),
        "feature_names": list(series.feature_names),
        "targets": list(p.targets),
        "target_names": list(p.target_names),
        "metrics": result.to_dict(),
        "chosen": result.chosen().score.name,
        "best_baseline": result.best_baseline().score.name,
        "beats_baselines": learned is not None and result.chosen() is learned,
    }
    return ModelBundle(
        version=version,
        metadata=metadata,
        forecasters={m.score.name: m.forecaster for m in result.models},
        bands={m.score.name: m.band for m in result.models},
        graph=p.graph,
        tail=series.values[-TAIL_STEPS:],
        congestion_speed=np.array([t.speed_kmh for t in thresholds]),
        congestion_flow=np.array([t.flow_veh for t in thresholds]),
    )
