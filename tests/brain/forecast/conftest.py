"""Fixtures of the forecast tests: small synthetic corridors written in the benchmark format."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from hostcity.brain.forecast.synthetic import corridor
from hostcity.brain.forecast.types import Series


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
