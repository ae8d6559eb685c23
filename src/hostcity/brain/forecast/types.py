"""Plain data types of forecasting: a detector series, its sensor graph, and scored models."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

STEP_S = 300
"""Seconds between two observations: the benchmark's and the live service's five minutes."""

FLOW = "flow"
SPEED = "speed"
MEASURED_ZERO = 1e-6
"""A count of 0 that was measured, as the store's series hold it. The benchmark protocol reads a
0 as a missing reading (PeMS files mark gaps so); the store knows its gaps, and its quiet loops
count 0 vehicles in most five-minute steps, which the models must learn. A speed of 0 stays 0:
no vehicle passed, so no speed was measured."""


@dataclass(frozen=True)
class Series:
    """Observations of N detectors at T regular steps with F features.

    Attributes:
        values: Array of shape (T, N, F); 0 means "not measured".
        sensor_ids: One id per detector, in column order.
        feature_names: One name per feature, such as "flow", "occupancy", "speed".
        start: Time of the first step (aware UTC); sets time of day and day of week.
        step_s: Seconds between steps.
    """

    values: FloatArray
    sensor_ids: tuple[str, ...]
    feature_names: tuple[str, ...]
    start: datetime
    step_s: int = STEP_S

    @property
    def steps(self) -> int:
        """Number of time steps T."""
        return int(self.values.shape[0])

    @property
    def sensors(self) -> int:
        """Number of detectors N."""
        return int(self.values.shape[1])

    def feature_index(self, name: str) -> int | None:
        """Column of feature ``name``, or None when it is not measured."""
        return self.feature_names.index(name) if name in self.feature_names else None


@dataclass(frozen=True)
class SensorGraph:
    """Directed edges between detectors with road distances in metres.

    Attributes:
        sources: Index of the upstream detector of each edge.
        targets: Index of the downstream detector of each edge.
        distances_m: Length of each edge.
    """

    sources: tuple[int, ...]
    targets: tuple[int, ...]
    distances_m: tuple[float, ...]

    @property
    def edges(self) -> int:
        """Number of edges."""
        return len(self.sources)


@dataclass(frozen=True)
class ModelScore:
    """Backtest figures of one model on the test part; errors are in the target's units."""

    name: str
    mae: float
    rmse: float
    mape: float
    mae_h3: float
    mae_h6: float
    mae_h12: float
    train_seconds: float
    extra: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready dictionary with the standard keys first."""
        out: dict[str, object] = {
            "name": self.name,
            "mae": self.mae,
            "rmse": self.rmse,
            "mape": self.mape,
            "mae_h3": self.mae_h3,
            "mae_h6": self.mae_h6,
            "mae_h12": self.mae_h12,
            "train_seconds": self.train_seconds,
        }
        out.update(self.extra)
        return out
