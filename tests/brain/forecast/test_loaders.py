"""Benchmark loaders: good files load, bad ones fail with a clear error before any training."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hostcity.brain.forecast.adapters.files import load_graph_csv
from hostcity.brain.forecast.errors import ForecastDataError
from hostcity.brain.forecast.training import TrainRequest, load_benchmark
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


def test_a_citys_graph_skips_detectors_without_readings(tmp_path: Path) -> None:
    """The store's data has only the detectors that reported; the city's graph names them all."""
    graph = tmp_path / "city.csv"
    graph.write_text("from,to,distance\ng-1,g-2,300\ng-2,g-silent,250\ng-2,g-3,400\n")
    sensor_graph = load_graph_csv(graph, ("g-1", "g-2", "g-3"), skip_unknown=True)
    assert (sensor_graph.sources, sensor_graph.targets) == ((0, 1), (1, 2))
    assert sensor_graph.distances_m == (300.0, 400.0)
    with pytest.raises(ForecastDataError, match="does not have: g-silent"):
        load_graph_csv(graph, ("g-1", "g-2", "g-3"))  # a benchmark's graph must fit its data
    with pytest.raises(ForecastDataError, match="none of its 3 links joins two detectors"):
        load_graph_csv(graph, ("x", "y"), skip_unknown=True)


def test_training_on_the_store_takes_the_citys_graph_unless_given_one(tmp_path: Path) -> None:
    city = tmp_path / "city.csv"
    own = str(tmp_path / "own.csv")
    assert TrainRequest().on_city_graph(city).graph == str(city.resolve())
    assert TrainRequest().on_city_graph(None).graph is None
    assert TrainRequest(graph=own).on_city_graph(city).graph == own
    benchmark = TrainRequest(data="d.npz", graph=own)
    assert benchmark.on_city_graph(city) == benchmark
