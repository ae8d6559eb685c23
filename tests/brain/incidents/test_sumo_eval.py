"""A real SUMO run: a small netgenerate grid, one stalled vehicle, and the detector finds it."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from hostcity.brain.incidents.adapters.eval_runner import run_evaluation
from hostcity.brain.incidents.adapters.sumo_eval import EvalPlan
from hostcity.core.errors import InputError
from tests.brain.grid_net import make_grid_net

KEYS = (
    "detection_rate",
    "mean_time_to_detect_s",
    "p95_time_to_detect_s",
    "false_alarms_per_100_detector_hours",
)


def _grid(workdir: Path) -> Path:
    import sumo

    net = make_grid_net(workdir / "grid.net.xml")
    subprocess.run(
        [
            sys.executable, str(Path(sumo.SUMO_HOME) / "tools" / "randomTrips.py"),
            "-n", str(net), "-r", str(workdir / "grid.rou.xml"),
            "-o", str(workdir / "grid.trips.xml"), "-e", "1500", "-p", "0.8", "--seed", "3",
            "--fringe-factor", "10", "--validate",
        ],
        check=True,
        capture_output=True,
        cwd=workdir,
    )  # fmt: skip
    return net


@pytest.mark.slow
def test_a_stalled_vehicle_in_sumo_is_detected(tmp_path: Path) -> None:
    net = _grid(tmp_path)
    plan = EvalPlan(incidents=1, warmup_s=600.0, incident_s=300.0, gap_s=150.0,
                    min_rate_veh_per_h=60.0)  # fmt: skip
    result = run_evaluation(str(net), tmp_path / "run", seeds=[1], plan=plan)
    for key in KEYS:
        assert key in result
    assert result["incidents"] == 1
    assert result["detection_rate"] == 1.0
    assert result["mean_time_to_detect_s"] <= plan.incident_s


@pytest.mark.slow
def test_a_history_run_reads_green_time_and_feeds_the_profiles(tmp_path: Path) -> None:
    from hostcity.brain.control.scenario import load_scenario
    from hostcity.brain.incidents.adapters.sumo_eval import record_history
    from hostcity.brain.incidents.adapters.sumo_graph import twin_detectors

    net = _grid(tmp_path)
    plan = EvalPlan(incidents=1, warmup_s=600.0, incident_s=300.0, gap_s=150.0)
    scenario = load_scenario(str(net), tmp_path / "scenario", seed=5, check=False)
    specs, _graph = twin_detectors(scenario.net_file)
    samples = record_history(scenario, specs, plan, 5, tmp_path / "history")
    assert {s.detector_id for s in samples} == {spec.detector_id for spec in specs}
    assert all(s.green_s is not None and 0.0 <= s.green_s <= s.interval_s for s in samples)
    assert any(s.green_s for s in samples) and not all(s.green_s for s in samples)
    assert any(s.occupied_now for s in samples)
    assert all(0.0 <= s.occupancy <= 1.0 for s in samples)
    result = run_evaluation(
        str(net), tmp_path / "run", seeds=[1], plan=replace(plan, history_runs=1)
    )
    assert result["history_runs"] == 1
    assert result["signal_aware"] is True
    assert result["detection_rate"] == 1.0


def test_an_evaluation_without_seeds_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        run_evaluation("demo", tmp_path, seeds=[], plan=EvalPlan())


def test_negative_history_runs_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        run_evaluation("demo", tmp_path, seeds=[1], plan=EvalPlan(history_runs=-1))
