"""Evaluation end to end on the test grid: service, CLI, job and API route."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from hostcity.brain.control.errors import ControllerError
from hostcity.brain.control.evaluate import evaluate, parse_seeds
from hostcity.cli.main import app
from hostcity.core.errors import InputError
from hostcity.core.platform import Platform
from tests.brain.control.conftest import Grid
from tests.conftest import auth

REPORT_KEYS = {
    "scenario", "controller", "seeds", "mean_delay_s", "mean_travel_time_s",
    "arrived", "due", "gridlock", "per_seed",
}  # fmt: skip


def test_evaluate_runs_each_seed_and_reports_metrics(grid: Grid, tmp_path: Path) -> None:
    seen: list[float] = []
    report = evaluate(
        grid.config,
        "hostcity",
        seeds=[1, 2],
        workdir=tmp_path,
        progress=lambda f, _m: seen.append(f),
    )
    assert set(report) == REPORT_KEYS
    assert report["scenario"] == "grid" and report["seeds"] == [1, 2]
    assert [row["seed"] for row in report["per_seed"]] == [1, 2]
    for row in report["per_seed"]:
        assert 0 < row["arrived"] <= row["due"]
        assert row["mean_delay_s"] >= 0 and row["mean_travel_time_s"] > 0
    assert report["gridlock"] is False
    assert seen[-1] == 1.0


@pytest.mark.slow
def test_fixed_time_is_slower_than_hostcity_on_the_grid(grid: Grid, tmp_path: Path) -> None:
    fixed = evaluate(grid.config, "fixed", seeds=[1], workdir=tmp_path)
    adaptive = evaluate(grid.config, "hostcity", seeds=[1], workdir=tmp_path)
    assert adaptive["mean_delay_s"] < fixed["mean_delay_s"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("1,2,3", [1, 2, 3], id="list"),
        pytest.param(" 7 ", [7], id="one"),
    ],
)
def test_seeds_parse(text: str, expected: list[int]) -> None:
    assert parse_seeds(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("a,b", id="not-numbers"),
        pytest.param("1,1", id="repeated"),
        pytest.param("", id="empty"),
        pytest.param("-1", id="negative"),
    ],
)
def test_bad_seeds_are_rejected(text: str) -> None:
    with pytest.raises(InputError):
        parse_seeds(text)


def test_unknown_controller_fails_before_any_run(grid: Grid, tmp_path: Path) -> None:
    with pytest.raises(ControllerError, match="fixed, actuated, max-pressure, hostcity"):
        evaluate(grid.config, "greedy", seeds=[1], workdir=tmp_path)


def test_cli_prints_one_json_object(grid: Grid, tmp_path: Path) -> None:
    args = ["--data-dir", str(tmp_path), "brain", "evaluate", str(grid.config)]
    result = CliRunner().invoke(
        app, [*args, "--controller", "max-pressure", "--seeds", "3", "--json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report) == REPORT_KEYS
    assert report["controller"] == "max-pressure" and report["seeds"] == [3]


def test_cli_reports_a_bad_controller_without_traceback(
    grid: Grid, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from hostcity.cli.main import main

    code = main(["--data-dir", str(tmp_path), "brain", "evaluate", str(grid.config), "-c", "nope"])
    err = capsys.readouterr().err
    assert code == 1
    assert "unknown controller 'nope'" in err and "Traceback" not in err


def test_cli_lists_controllers() -> None:
    result = CliRunner().invoke(app, ["brain", "controllers", "--json"])
    assert result.exit_code == 0
    names = [c["name"] for c in json.loads(result.stdout)["controllers"]]
    assert names == ["fixed", "actuated", "max-pressure", "hostcity"]


@pytest.mark.slow
def test_api_starts_an_evaluation_job_for_operators(
    client: TestClient, tokens: dict[str, str], platform: Platform, grid: Grid
) -> None:
    body = {"scenario": str(grid.config), "controller": "fixed", "seeds": [1]}
    response = client.post("/api/brain/evaluations", json=body, headers=auth(tokens["operator"]))
    assert response.status_code == 202, response.text
    job = platform.jobs.wait(response.json()["job_id"], timeout_s=120)
    assert job.status.value == "succeeded", job.error
    assert job.result is not None and set(job.result) == REPORT_KEYS


@pytest.mark.parametrize(
    ("role", "body", "status"),
    [
        pytest.param("fan", {"scenario": "demo"}, 403, id="fan-forbidden"),
        pytest.param("operator", {"scenario": "demo", "controller": "x"}, 422, id="bad-controller"),
        pytest.param("operator", {"scenario": " "}, 422, id="blank-scenario"),
        pytest.param("operator", {"scenario": "demo", "seeds": [1, 1]}, 422, id="repeated-seeds"),
        pytest.param(None, {"scenario": "demo"}, 401, id="no-token"),
    ],
)
def test_api_rejects_bad_evaluation_requests(
    client: TestClient,
    tokens: dict[str, str],
    role: str | None,
    body: dict[str, object],
    status: int,
) -> None:
    headers = auth(tokens[role]) if role else {}
    response = client.post("/api/brain/evaluations", json=body, headers=headers)
    assert response.status_code == status, response.text


def test_api_lists_controllers(client: TestClient, tokens: dict[str, str]) -> None:
    response = client.get("/api/brain/controllers", headers=auth(tokens["fan"]))
    assert response.status_code == 200
    assert len(response.json()["controllers"]) == 4
