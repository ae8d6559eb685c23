"""``hostcity brain history``: a short real SUMO run on a netgenerate grid, and bad input."""

from __future__ import annotations

import csv
import json
import subprocess
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select

from hostcity.brain.forecast.adapters.files import load_graph_csv, load_npz
from hostcity.brain.forecast.adapters.twin_store import StoreHistory, series_from_store
from hostcity.brain.forecast.types import MEASURED_ZERO
from hostcity.brain.twin.adapters.tables import ObservationRow
from hostcity.cli.main import main
from hostcity.core.db import session_scope
from hostcity.core.platform import Platform
from hostcity.core.settings import Settings
from hostcity.core.timeutil import parse_iso

END = "2026-03-03T12:00:00Z"


def _netgenerate(path: Path, *extra: str) -> Path:
    import sumolib

    subprocess.run(
        [
            sumolib.checkBinary("netgenerate"), "--grid", "--grid.number", "3",
            "--grid.length", "200", "--default.lanenumber", "2", "--no-turnarounds", "true",
            "--seed", "1", "-o", str(path), *extra,
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return path


@pytest.fixture(scope="module")
def grid_net(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 3x3 grid of 200 m two-lane roads with traffic lights."""
    return _netgenerate(tmp_path_factory.mktemp("grid") / "grid.net.xml", "--tls.guess", "true")


def _run(settings: Settings, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["--data-dir", str(settings.data_dir), "brain", "history", *args])
    out = capsys.readouterr()
    return code, out.out + out.err


def _stored(platform: Platform) -> int:
    with session_scope(platform.session_factory) as session:
        query = select(func.count()).where(ObservationRow.source == "history")
        return int(session.scalar(query) or 0)


def test_an_hour_of_history_is_stored_and_written_as_a_benchmark(
    settings: Settings,
    platform: Platform,
    grid_net: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out_dir = tmp_path / "bench"
    args = [str(grid_net), "--days", "1", "--hours", "1", "--end", END, "--out", str(out_dir)]
    code, out = _run(settings, capsys, *args, "--json")
    assert code == 0, out
    result = json.loads(out)
    detectors = result["detectors"]
    assert detectors >= 8  # one loop per incoming lane of each signalised junction
    assert result["steps"] == 12
    assert result["start"] == "2026-03-02T00:00:00+00:00"
    assert result["stored"] == 12 * detectors
    assert _stored(platform) == 12 * detectors

    # the store serves it as the forecast service reads it
    history = StoreHistory(platform.session_factory)
    assert len(history.detector_ids()) == detectors
    assert history.earliest_time() == parse_iso("2026-03-02T00:05:00Z")
    series = series_from_store(history)
    assert series.values.shape[1:] == (detectors, 3)
    assert series.values[..., 0].sum() > 0  # vehicles were counted

    # and the benchmark files load with the backtest's own readers
    data = load_npz(Path(result["files"]["data"]), start=parse_iso(result["start"]))
    assert data.values.shape == (12, detectors, 3)
    assert data.feature_names == ("flow", "occupancy", "speed")
    assert np.all((data.values[..., 1] >= 0) & (data.values[..., 1] <= 1))
    graph = load_graph_csv(Path(result["files"]["graph"]), data.sensor_ids)
    assert graph.edges == 3 * detectors
    with Path(result["files"]["detectors"]).open(newline="") as handle:
        columns = [row["detector"] for row in csv.DictReader(handle)]
    assert sorted(columns) == list(series.sensor_ids)
    # the grid has no lon/lat: the graph by detector id lets 'forecast train' use the store
    by_id = load_graph_csv(Path(result["files"]["graph_by_id"]), series.sensor_ids)
    assert by_id.distances_m == graph.distances_m
    # the store files a window under the step its end falls in and holds back the newest step
    in_store_order = data.values[:, [columns.index(d) for d in series.sensor_ids]]
    assert series.steps == 11
    np.testing.assert_allclose(series.values[..., 0], in_store_order[:11, :, 0], atol=1e-5)
    # a count of 0 the store measured stays in the store's series (the .npz keeps the
    # benchmark convention, where 0 is a missing reading)
    quiet = in_store_order[:11, :, 0] == 0
    assert quiet.any() and np.all(series.values[..., 0][quiet] == MEASURED_ZERO)

    # a rerun of the same day replaces the earlier readings instead of adding to them
    code, out = _run(settings, capsys, *args, "--json")
    assert code == 0, out
    assert json.loads(out)["replaced"] == 12 * detectors
    assert _stored(platform) == 12 * detectors


def test_history_runs_the_twins_signal_controller(
    settings: Settings, platform: Platform, grid_net: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    recorded = {}
    for controller in ("fixed", None):  # None: the twin's own, brain.controller
        chosen = [] if controller is None else ["--controller", controller]
        args = [str(grid_net), "--days", "1", "--hours", "0.5", "--end", END, *chosen, "--json"]
        code, out = _run(settings, capsys, *args)
        assert code == 0, out
        result = json.loads(out)
        recorded[result["controller"]] = series_from_store(
            StoreHistory(platform.session_factory)
        ).values
    assert set(recorded) == {"fixed", settings.brain.controller}
    # the same demand under another controller queues differently at the loops
    assert not np.allclose(recorded["fixed"], recorded[settings.brain.controller])


def test_readable_output_names_the_days_and_next_steps(
    settings: Settings, grid_net: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _run(settings, capsys, str(grid_net), "--days", "2", "--hours", "0.5", "--end", END)
    assert code == 0, out
    assert "Mon 2026-03-02" in out
    assert "stored" in out
    assert "hostcity brain forecast train" in out
    assert "--graph" not in out  # no files written, so none to name


@pytest.mark.parametrize(
    "case",
    [
        pytest.param((["nowhere.net.xml"], "does not exist"), id="missing-file"),
        pytest.param((["{tmp}/city.txt"], "cannot tell what"), id="unknown-kind"),
        pytest.param((["{tmp}/broken.net.xml"], "cannot read SUMO network"), id="broken-net"),
        pytest.param((["{grid}", "--days", "0"], "--days must be 1 to 60"), id="zero-days"),
        pytest.param((["{grid}", "--days", "-3"], "--days must be 1 to 60"), id="negative-days"),
        pytest.param((["{grid}", "--end", "yesterday"], "cannot read --end"), id="bad-end"),
        pytest.param((["{grid}", "--time-compression", "7"], "time compression"), id="compression"),
        pytest.param((["{grid}", "--days", "1", "--hours", "30"], "--hours must be"), id="hours"),
        pytest.param((["{plain}"], "no signalised junctions"), id="no-traffic-lights"),
        pytest.param((["{grid}", "--controller", "warp"], "unknown controller"), id="controller"),
        pytest.param(
            (["{grid}", "--backend", "carrier-pigeon"], "unknown SUMO backend"), id="backend"
        ),
    ],
)
def test_bad_input_is_one_clear_line(
    settings: Settings,
    platform: Platform,
    grid_net: Path,
    capsys: pytest.CaptureFixture[str],
    case: tuple[list[str], str],
) -> None:
    args, message = case
    tmp_path = grid_net.parent
    (tmp_path / "city.txt").write_text("not a network")
    (tmp_path / "broken.net.xml").write_text("<net><edge")
    plain = tmp_path / "plain.net.xml"
    if "{plain}" in args:
        _netgenerate(plain)
    filled = [a.format(tmp=tmp_path, grid=grid_net, plain=plain) if "{" in a else a for a in args]
    code, out = _run(settings, capsys, *filled)
    assert code != 0
    assert message in out
    assert "Traceback" not in out
    assert _stored(platform) == 0


def test_a_sumocfg_records_on_its_network(
    settings: Settings, grid_net: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "city.sumocfg"
    config.write_text(
        f'<configuration><input><net-file value="{grid_net}"/></input></configuration>'
    )
    code, out = _run(settings, capsys, str(config), "--days", "1", "--hours", "0.25", "--json")
    assert code == 0, out
    result = json.loads(out)
    assert result["steps"] == 3
    assert result["stored"] == 3 * result["detectors"]


def test_a_sumocfg_without_a_network_is_refused(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "empty.sumocfg"
    config.write_text("<configuration><input/></configuration>")
    code, out = _run(settings, capsys, str(config))
    assert code != 0
    assert "no <net-file>" in out
