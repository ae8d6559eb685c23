"""Synthetic detector data with a daily cycle and lags down a corridor, for tests and demos."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from hostcity.brain.forecast.protocol import STEPS_PER_DAY
from hostcity.brain.forecast.types import FLOW, SPEED, Series

DEMO_START = datetime(2026, 2, 2, tzinfo=UTC)


def corridor(
    *, days: float = 3.0, sensors: int = 8, seed: int = 0, noise: float = 0.05
) -> tuple[Series, list[tuple[str, str, float]]]:
    """A one-way corridor of detectors: each sees its upstream neighbour's flow a step later.

    Returns:
        The series (flow in veh/5 min and speed in km/h) and its edges (from, to, distance).
    """
    rng = np.random.default_rng(seed)
    steps = round(days * STEPS_PER_DAY) + sensors
    t = np.arange(steps)
    day = 2 * np.pi * (t % STEPS_PER_DAY) / STEPS_PER_DAY
    base = (
        120 + 80 * np.sin(day - np.pi / 2) + 60 * np.exp(-((((t % STEPS_PER_DAY) - 210) / 12) ** 2))
    )
    # random surges that travel down the corridor make neighbours informative
    surge = np.convolve(rng.standard_normal(steps) * 25, np.ones(6) / 6, mode="same")
    flow = np.empty((steps, sensors))
    for i in range(sensors):
        flow[:, i] = np.roll(base + surge, i) * (1 + 0.1 * i)
    flow = (flow * (1 + noise * rng.standard_normal(flow.shape))).clip(min=1.0)
    capacity = flow.max(axis=0) * 1.05
    speed = 100 * (1 - 0.6 * (flow / capacity) ** 4)
    values = np.stack([flow, speed], axis=-1)[sensors:]
    series = Series(
        values=values,
        sensor_ids=tuple(f"det{i}" for i in range(sensors)),
        feature_names=(FLOW, SPEED),
        start=DEMO_START,
    )
    edges = [(f"det{i}", f"det{i + 1}", 500.0 + 10 * i) for i in range(sensors - 1)]
    return series, edges
