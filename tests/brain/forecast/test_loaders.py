"""Benchmark loaders: good files load, bad ones fail with a clear error before any training."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hostcity.brain.forecast.errors import ForecastDataError
from hostcity.brain.forecast.training import load_benchmark
from hostcity.brain.forecast.types import Series

START = "2026-02-02T00:00:00Z"


def test_benchmark_files_load_with_names_and_graph(
    benchmark_files: tuple[Path, Path, Series],
) -> None:
    data, graph, series = benchmark_files
    loaded, sensor_graph = load_benchmark(data, graph, START)
    assert loaded.values.shape == series.values.shape
    assert loaded.sensor_ids == ("0", "1", "2", "3", "4", "5")
    assert loaded.feature_names == ("flow", "speed")
    assert sensor_graph.edges == 5
    assert sensor_graph.sources[0] == 0 and sensor_graph.targets[0] == 1


@pytest.mark.parametrize(
    ("array", "message"),
    [
        pytest.param(np.ones((400, 6)), "3 axes", id="two-axes"),
        pytest.param(np.ones((400, 6, 2, 1)), "3 axes", id="four-axes"),
        pytest.param(np.ones((400, 0, 2)), "empty axis", id="no-sensors"),
        pytest.param(np.full((400, 6, 2), np.nan), "NaN", id="nan"),
        pytest.param(np.ones((50, 6, 2)), "at least", id="too-short"),
    ],
)
def test_bad_arrays_fail_clearly(
    tmp_path: Path, benchmark_files: tuple[Path, Path, Series], array: np.ndarray, message: str
) -> None:
    _, graph, _ = benchmark_files
    bad = tmp_path / "bad.npz"
    np.savez(bad, data=array)
    with pytest.raises(ForecastDataError, match=message):
        load_benchmark(bad, graph, START)


def test_npz_without_data_array_names_what_it_found(
    tmp_path: Path, benchmark_files: tuple[Path, Path, Series]
) -> None:
    _, graph, _ = benchmark_files
    bad = tmp_path / "other.npz"
    np.savez(bad, values=np.ones((400, 6, 2)))
    with pytest.raises(ForecastDataError, match="found: values"):
        load_benchmark(bad, graph, START)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        pytest.param("0,1,100\n4,9,50\n", "does not have: 9", id="unknown-sensor"),
        pytest.param("0,x7,100\n", "does not have: x7", id="unknown-name"),
        pytest.param("0,1\n", "expected from,to,distance", id="missing-distance"),
        pytest.param("", "no edges", id="no-edges"),
    ],
)
def test_bad_graphs_fail_clearly(
    tmp_path: Path, benchmark_files: tuple[Path, Path, Series], rows: str, message: str
) -> None:
    data, _, _ = benchmark_files
    graph = tmp_path / "bad.csv"
    graph.write_text("from,to,distance\n" + rows)
    with pytest.raises(ForecastDataError, match=message):
        load_benchmark(data, graph, START)


@pytest.mark.parametrize(
    ("which", "message"),
    [
        pytest.param("data", "no data file", id="data"),
        pytest.param("graph", "no graph", id="graph"),
    ],
)
def test_missing_files_fail_clearly(
    tmp_path: Path, benchmark_files: tuple[Path, Path, Series], which: str, message: str
) -> None:
    data, graph, _ = benchmark_files
    missing = tmp_path / "missing"
    with pytest.raises(ForecastDataError, match=message):
        load_benchmark(missing if which == "data" else data, missing if which == "graph" else graph)


def test_bad_start_time_fails_clearly(benchmark_files: tuple[Path, Path, Series]) -> None:
    data, graph, _ = benchmark_files
    with pytest.raises(ForecastDataError, match="start time"):
        load_benchmark(data, graph, "yesterday")
