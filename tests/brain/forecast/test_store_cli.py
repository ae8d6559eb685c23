"""The observation-store history adapter and the ``hostcity brain forecast`` commands."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from hostcity.brain.forecast.adapters.twin_store import (
    StoreHistory,
    graph_from_locations,
    series_from_store,
)
from hostcity.brain.forecast.errors import ForecastDataError
from hostcity.brain.forecast.types import Series
from hostcity.brain.twin.adapters.tables import ObservationRow
from hostcity.cli.main import app
from hostcity.core.db import session_scope
from hostcity.core.errors import HostCityError
from hostcity.core.platform import Platform
from hostcity.core.settings import Settings

T0 = datetime(2026, 2, 2, 8, 0, tzinfo=UTC)


def add_minutes(platform: Platform, minutes: int, detectors: tuple[str, ...]) -> None:
    """One observation a minute per detector: 10 vehicles at 12.5 m/s, at a known place."""
    with session_scope(platform.session_factory) as session:
        for m in range(minutes):
            for i, d in enumerate(detectors):
                session.add(
                    ObservationRow(
                        detector_id=d,
                        observed_from=T0 + timedelta(minutes=m),
                        observed_to=T0 + timedelta(minutes=m + 1),
                        intensity_veh=10.0 + i,
                        speed_mps=12.5,
                        lon=11.0 + 0.001 * i,
                        lat=45.0,
                        source="twin",
                    )
                )


def test_store_history_sums_flow_and_averages_speed_per_five_minutes(platform: Platform) -> None:
    add_minutes(platform, 20, ("a", "b"))
    history = StoreHistory(platform.session_factory)
    assert history.detector_ids() == ["a", "b"]
    latest = history.latest_time()
    assert latest is not None and latest == T0 + timedelta(minutes=15)
    values = history.window(["b", "a"], T0 + timedelta(minutes=5), 2, ("flow", "speed"))
    assert values.shape == (2, 2, 2)
    assert values[0, 0, 0] == pytest.approx(55.0)  # detector b: 5 minutes of 11 vehicles
    assert values[0, 1, 0] == pytest.approx(50.0)
    assert values[0, 0, 1] == pytest.approx(45.0)  # 12.5 m/s is 45 km/h


def test_store_series_and_graph_from_locations(platform: Platform) -> None:
    add_minutes(platform, 30, ("a", "b", "c"))
    history = StoreHistory(platform.session_factory)
    series = series_from_store(history)
    assert series.sensor_ids == ("a", "b", "c")
    assert series.values.shape[1:] == (3, 3)
    graph = graph_from_locations(history, series.sensor_ids)
    assert graph.edges == 6  # each detector joined to both others
    assert min(graph.distances_m) == pytest.approx(78.7, rel=0.05)


def test_empty_store_fails_clearly(platform: Platform) -> None:
    with pytest.raises(ForecastDataError, match="store is empty"):
        series_from_store(StoreHistory(platform.session_factory))


def invoke(settings: Settings, *args: str) -> tuple[int, str]:
    """Run the CLI on the test data directory; returns the exit code and stdout + stderr."""
    result = CliRunner().invoke(app, ["--data-dir", str(settings.data_dir), *args])
    if isinstance(result.exception, HostCityError):
        return 1, str(result.exception)
    return result.exit_code, result.output


def test_cli_backtest_json_prints_one_object_with_every_model(
    settings: Settings, benchmark_files: tuple[Path, Path, Series]
) -> None:
    data, graph, _ = benchmark_files
    code, out = invoke(
        settings, "brain", "forecast", "backtest", str(data), "--graph", str(graph),
        "--start", "2026-02-02T00:00:00Z", "--max-epochs", "2", "--threads", "1", "--json",
    )  # fmt: skip
    assert code == 0, out
    body = json.loads(out)
    assert [m["name"] for m in body["models"]] == [
        "last_value",
        "historical_average",
        "ridge",
        "graph_mlp",
    ]
    assert all(np.isfinite(m["mae"]) for m in body["models"])


def test_cli_backtest_rejects_a_graph_with_unknown_sensors(
    settings: Settings, tmp_path: Path, benchmark_files: tuple[Path, Path, Series]
) -> None:
    data, _, _ = benchmark_files
    graph = tmp_path / "g.csv"
    graph.write_text("from,to,distance\n0,99,10\n")
    code, out = invoke(settings, "brain", "forecast", "backtest", str(data), "--graph", str(graph))
    assert code == 1
    assert "does not have: 99" in out


def test_cli_train_then_show_and_models(
    settings: Settings, platform: Platform, benchmark_files: tuple[Path, Path, Series]
) -> None:
    data, graph, _ = benchmark_files
    code, out = invoke(
        settings, "brain", "forecast", "train", "--data", str(data), "--graph", str(graph),
        "--start", "2026-02-02T00:00:00Z", "--max-epochs", "2", "--threads", "1", "--json",
    )  # fmt: skip
    assert code == 0, out
    trained = json.loads(out)
    code, out = invoke(settings, "brain", "forecast", "models", "--json")
    assert code == 0, out
    listed = json.loads(out)
    assert listed["models"][0]["version"] == trained["version"]
    assert listed["models"][0]["in_use"] is True
    code, out = invoke(settings, "brain", "forecast", "show", "3", "--json")
    assert code == 0, out
    assert len(json.loads(out)["forecast"]) == 12

    # a store that has just begun: the forecast says how little it had to go on
    add_minutes(platform, 11, tuple(str(i) for i in range(6)))
    code, out = invoke(settings, "brain", "forecast", "show", "3")
    assert code == 0, out
    assert "only 2 of the last 12 five-minute readings are in the store" in out


def test_readings_that_do_not_tile_five_minutes_give_flow_per_five_minutes(
    platform: Platform,
) -> None:
    with session_scope(platform.session_factory) as session:
        for k in range(6):  # four-minute readings (the demo city's minute on its day's clock)
            session.add(
                ObservationRow(
                    detector_id="a",
                    observed_from=T0 + timedelta(minutes=4 * k),
                    observed_to=T0 + timedelta(minutes=4 * (k + 1)),
                    intensity_veh=24.0,
                    speed_mps=10.0,
                    source="twin",
                )
            )
    history = StoreHistory(platform.session_factory)
    values = history.window(["a"], T0, 5, ("flow", "speed"))
    assert values[:, 0, 0].tolist() == pytest.approx([30.0] * 5)  # 6 vehicles a minute
    assert values[:, 0, 1].tolist() == pytest.approx([36.0] * 5)
