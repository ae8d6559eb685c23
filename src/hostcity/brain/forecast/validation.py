"""Checks that a series and a sensor graph can be used, run before any training starts."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from hostcity.brain.forecast.errors import ForecastDataError
from hostcity.brain.forecast.protocol import chronological_split
from hostcity.brain.forecast.types import FLOW, FloatArray, SensorGraph

BENCHMARK_FEATURES = {1: (FLOW,), 2: (FLOW, "speed"), 3: (FLOW, "occupancy", "speed")}


def check_values(values: object, *, source: str) -> FloatArray:
    """The (T, N, F) float array in ``values``, checked for shape and finiteness.

    Raises:
        ForecastDataError: for another number of dimensions, empty axes, or NaN/inf readings.
    """
    array = np.asarray(values)
    if array.ndim != 3:
        raise ForecastDataError(
            f"{source}: data has shape {array.shape}; expected 3 axes (time steps, sensors, "
            "features) such as (1282, 170, 3)",
            hint="save the array as data=values with shape (T, N, F)",
        )
    if min(array.shape) == 0:
        raise ForecastDataError(f"{source}: data has an empty axis, shape {array.shape}")
    if not np.issubdtype(array.dtype, np.number):
        raise ForecastDataError(f"{source}: data has dtype {array.dtype}; expected numbers")
    out = array.astype(np.float64)
    if not np.isfinite(out).all():
        bad = int((~np.isfinite(out)).sum())
        raise ForecastDataError(
            f"{source}: data holds {bad} NaN or infinite readings",
            hint="store missing readings as 0, which the protocol masks",
        )
    return out


def check_history(steps: int) -> None:
    """Raise when ``steps`` is too short for the 12-in/12-out 60/20/20 protocol."""
    chronological_split(steps)


def feature_names(features: int) -> tuple[str, ...]:
    """Names of benchmark features by count: flow; flow, speed; flow, occupancy, speed."""
    return BENCHMARK_FEATURES.get(features, (FLOW, *(f"feature{i}" for i in range(1, features))))


def check_graph(
    edges: Sequence[tuple[str, str, float]], sensor_ids: Sequence[str], *, source: str
) -> SensorGraph:
    """The graph of ``edges`` (from id, to id, distance) over the known ``sensor_ids``.

    Raises:
        ForecastDataError: when an edge names a sensor the data does not have, or has no edges.
    """
    index = {sensor: i for i, sensor in enumerate(sensor_ids)}
    unknown = sorted({s for a, b, _ in edges for s in (a, b) if s not in index})
    if unknown:
        shown = ", ".join(unknown[:5]) + (" ..." if len(unknown) > 5 else "")
        raise ForecastDataError(
            f"{source}: the graph names {len(unknown)} sensor(s) the data does not have: {shown}",
            hint=f"sensor ids must be 0..{len(sensor_ids) - 1}, the columns of the data",
        )
    if not edges:
        raise ForecastDataError(
            f"{source}: the graph has no edges", hint="add from,to,distance rows"
        )
    return SensorGraph(
        tuple(index[a] for a, _, _ in edges),
        tuple(index[b] for _, b, _ in edges),
        tuple(float(d) for _, _, d in edges),
    )
