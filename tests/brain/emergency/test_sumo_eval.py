"""Pre-emption in real SUMO runs on a netgenerate grid, the ev-eval command, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from hostcity.brain.control.errors import ScenarioError
from hostcity.brain.emergency.adapters.ev_run import EvRunResult
from hostcity.brain.emergency.errors import EmergencyInputError, NoRouteError
from hostcity.brain.emergency.evaluate import ev_evaluate, summarise
from hostcity.cli.brain import emergency as emergency_cli
from hostcity.cli.context import CliState

REPORT_KEYS = {
    "ev_travel_time_s", "ev_travel_time_preempt_s", "ev_reduction",
    "others_delay_s", "others_delay_preempt_s", "ev_free_flow_s", "ev_reduction_bound",
}  # fmt: skip


@pytest.mark.slow
def test_preemption_shortens_emergency_trips(ev_grid_net: Path, tmp_path: Path) -> None:
    report = ev_evaluate(ev_grid_net, seeds=[1], trips=3, workdir=tmp_path, workers=1)
    assert report["ev_arrived"] == report["ev_arrived_preempt"] == 3
    assert report["preemptions"] > 0
    assert report["ev_travel_time_preempt_s"] < 0.9 * report["ev_travel_time_s"]
    assert report["ev_reduction"] < -0.1
    # the free-flow time of the normal runs bounds what any signal strategy can reach
    assert 0 < report["ev_free_flow_s"] < report["ev_travel_time_s"]
    assert report["ev_free_flow_s"] <= 1.02 * report["ev_travel_time_preempt_s"]
    assert report["ev_reduction_bound"] <= report["ev_reduction"] + 0.02


def test_summary_bounds_the_reduction_by_free_flow_time() -> None:
    results = {
        (1, False): EvRunResult([200.0, None, 100.0], 40.0, 10, 0, [80.0, None, 20.0]),
        (1, True): EvRunResult([150.0, 90.0, 90.0], 41.0, 10, 5, [30.0, 10.0, 10.0]),
    }
    report = summarise("grid", [1], results)
    assert report["ev_travel_time_s"] == 150.0  # trips 0 and 2, arrived in both runs
    assert report["ev_travel_time_preempt_s"] == 120.0
    assert report["ev_free_flow_s"] == 100.0  # (200 - 80 + 100 - 20) / 2
    assert report["ev_reduction_bound"] == pytest.approx(-1 / 3)
    assert [t["free_flow_s"] for t in report["per_trip"]] == [120.0, None, 80.0]


def test_unknown_scenario_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.sumocfg"
    with pytest.raises(ScenarioError, match=r"nowhere\.sumocfg"):
        ev_evaluate(missing, seeds=[1], workdir=tmp_path)


def test_trip_without_route_is_refused(ev_grid_net: Path, tmp_path: Path) -> None:
    with pytest.raises(NoRouteError, match=r"no route .* 'no_such_edge'"):
        ev_evaluate(
            ev_grid_net,
            seeds=[1],
            pairs=[("A0B0", "no_such_edge")],
            workdir=tmp_path,
            workers=1,
        )


def _cli() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        """Stand-in for the brain command group."""

    emergency_cli.register(app)
    return app


def test_ev_eval_json(ev_grid_net: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        _cli(),
        [
            "ev-eval",
            str(ev_grid_net),
            "--trips",
            "1",
            "--seeds",
            "2",
            "--bluelight",
            "--json",
            "--resume",
            "interrupted",
        ],
        obj=CliState(data_dir=tmp_path),
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report.keys() >= REPORT_KEYS
    assert report["trips"] == 1
    assert report["bluelight"] is True
    assert report["resume"] == "interrupted"
    assert report["ev_travel_time_s"] > 0


@pytest.mark.parametrize(
    ("args", "error"),
    [
        pytest.param(["--trips", "0"], EmergencyInputError, id="no-trips"),
        pytest.param(["--seeds", "x"], ValueError, id="bad-seeds"),
        pytest.param(["--resume", "later"], EmergencyInputError, id="bad-resume"),
    ],
)
def test_ev_eval_rejects_bad_options(
    args: list[str], error: type[Exception], tmp_path: Path
) -> None:
    result = CliRunner().invoke(_cli(), ["ev-eval", "demo", *args], obj=CliState(data_dir=tmp_path))
    assert isinstance(result.exception, error)
