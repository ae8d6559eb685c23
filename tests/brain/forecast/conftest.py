"""Fixtures of the forecast tests: small synthetic corridors written in the benchmark format."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from hostcity.brain.forecast.adapters.model_store import models_dir
from hostcity.brain.forecast.protocol import STEPS_PER_DAY
from hostcity.brain.forecast.service import ForecastService
from hostcity.brain.forecast.synthetic import corridor
from hostcity.brain.forecast.training import TrainRequest, train_and_save
from hostcity.brain.forecast.types import Series
from hostcity.brain.twin.setup import SERVICE as TWIN_SERVICE
from hostcity.brain.twin.types import (
    DetectorSpec,
    EdgeGeometry,
    JunctionGeometry,
    NetworkGeometry,
)
from hostcity.core.platform import Platform


def write_benchmark(
    folder: Path, series: Series, edges: list[tuple[str, str, float]]
) -> tuple[Path, Path]:
    """Write ``series`` as data.npz and ``edges`` as graph.csv (ids without the "det" prefix)."""
    data, graph = folder / "data.npz", folder / "graph.csv"
    np.savez(data, data=series.values)
    with graph.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["from", "to", "distance"])
        writer.writerows((a.removeprefix("det"), b.removeprefix("det"), d) for a, b, d in edges)
    return data, graph


@pytest.fixture
def benchmark_files(tmp_path: Path) -> tuple[Path, Path, Series]:
    """Two and a half days of a six-detector corridor as .npz + CSV, and the series itself."""
    series, edges = corridor(days=2.5, sensors=6, seed=1)
    data, graph = write_benchmark(tmp_path, series, edges)
    return data, graph, series


def rush_hour_corridor(folder: Path) -> tuple[Path, Path]:
    """Six detectors that crawl from 15:00 to 19:00 every day; the data ends at 17:00."""
    rng = np.random.default_rng(3)
    steps = 2 * STEPS_PER_DAY + 17 * 12
    minute = (np.arange(steps) % STEPS_PER_DAY) * 5
    rush = (minute >= 15 * 60) & (minute < 19 * 60)
    speed = np.where(rush, 30.0, 90.0)[:, None] + rng.normal(0, 2, (steps, 6))
    flow = np.where(rush, 160.0, 100.0)[:, None] + rng.normal(0, 5, (steps, 6))
    series = Series(
        np.stack([flow, speed], axis=-1),
        tuple(f"det{i}" for i in range(6)),
        ("flow", "speed"),
        datetime(2026, 2, 2, tzinfo=UTC),
    )
    edges = [(f"det{i}", f"det{i + 1}", 500.0) for i in range(5)]
    return write_benchmark(folder, series, edges)


@pytest.fixture
def rush_hour_model(platform: Platform, tmp_path: Path) -> Path:
    """Baselines fitted on the rush-hour corridor (its data ends mid-rush, so every detector
    expects congestion), and a twin map with detectors 0-4 on edges e0-e4 (x = 100 i, y = 70).

    Returns:
        The saved model's folder.
    """
    data, graph = rush_hour_corridor(tmp_path)
    request = TrainRequest(
        data=str(data), graph=str(graph), start="2026-02-02T00:00:00Z", learned=False
    )
    saved = train_and_save(request, models_dir(platform.settings))
    edges = [
        EdgeGeometry(f"e{i}", f"n{i}", f"n{i + 1}", 1, 13.9, [(100.0 * i, 0.0), (100.0 * i, 80.0)])
        for i in range(5)
    ]
    junctions = [JunctionGeometry(f"n{i + 1}", 100.0 * i, 80.0, "j") for i in range(5)]
    detectors = [DetectorSpec(str(i), "j", f"e{i}_0", f"e{i}", 0, 70.0) for i in range(5)]
    network = NetworkGeometry(edges, junctions, ["j"], (0.0, 0.0, 400.0, 80.0))
    platform.service(TWIN_SERVICE).set_network(network, detectors)
    return Path(saved["path"])


def make_only_possible(service: ForecastService, detector: str) -> int:
    """Set ``detector``'s congestion speed between its lowest forecast speed and its band's
    lowest edge (every step counted as busy), so only the band reaches it.

    Returns:
        The minutes until the band's low edge first goes below the new threshold.
    """
    bundle = service.bundle()
    col = bundle.sensor_ids.index(detector)
    steps = service.forecast(detector)["forecast"]
    lowest, edge = min(s["speed"] for s in steps), min(s["speed_low"] for s in steps)
    assert edge < lowest  # the band reaches below the forecast
    bundle.congestion_speed[col] = (lowest + edge) / 2
    bundle.congestion_flow[col] = 0.0
    limit = bundle.congestion_speed[col]
    return next(int(s["minutes_ahead"]) for s in steps if s["speed_low"] < limit)
