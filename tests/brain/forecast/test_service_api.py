"""Training as a job, the saved bundle, the live service and GET /api/brain/forecasts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from hostcity.brain.forecast.adapters import model_store
from hostcity.brain.forecast.service import ForecastService
from hostcity.brain.forecast.setup import SERVICE
from hostcity.brain.forecast.training import JOB_KIND, TrainRequest
from hostcity.brain.forecast.types import Series
from hostcity.core.platform import Platform
from tests.conftest import auth

START = "2026-02-02T00:00:00Z"


def train(platform: Platform, data: Path, graph: Path, **extra: object) -> dict[str, object]:
    """Run the training job to the end and return its result."""
    params = {
        **TrainRequest(data=str(data), graph=str(graph), start=START).to_params(),
        "max_epochs": 3,
        "threads": 1,
        **extra,
    }
    job_id = platform.jobs.submit(JOB_KIND, params)
    view = platform.jobs.wait(job_id, timeout_s=120)
    assert view.error is None, view.error
    assert view.result is not None
    return view.result


@pytest.fixture
def trained(platform: Platform, benchmark_files: tuple[Path, Path, Series]) -> dict[str, object]:
    data, graph, _ = benchmark_files
    return train(platform, data, graph)


def test_training_job_saves_version_data_range_and_metrics(
    platform: Platform, trained: dict[str, object]
) -> None:
    root = model_store.models_dir(platform.settings)
    assert model_store.versions(root) == [trained["version"]]
    meta = model_store.read_metadata(root, str(trained["version"]))
    assert meta["data"]["start"].startswith("2026-02-02T00:00")
    assert meta["data"]["steps"] == 720
    names = [m["name"] for m in meta["metrics"]["models"]]
    assert names == ["last_value", "historical_average", "ridge", "graph_mlp"]
    assert meta["chosen"] in names
    assert json.loads(json.dumps(meta)) == meta


def test_saved_bundle_forecasts_like_the_trained_models(
    platform: Platform, trained: dict[str, object]
) -> None:
    root = model_store.models_dir(platform.settings)
    bundle = model_store.load(root, str(trained["version"]))
    assert set(bundle.forecasters) == {"last_value", "historical_average", "ridge", "graph_mlp"}
    assert bundle.tail.shape[1:] == (6, 2)


def test_forecasts_route_gives_12_steps_with_a_band(
    client: TestClient, tokens: dict[str, str], trained: dict[str, object]
) -> None:
    response = client.get(
        "/api/brain/forecasts", params={"detector": "2"}, headers=auth(tokens["fan"])
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["detector"] == "2"
    assert body["model"]["version"] == trained["version"]
    assert body["model"]["name"] == trained["chosen"]
    models: list[dict[str, object]] = trained["metrics"]["models"]  # type: ignore[index]
    served = next(m for m in models if m["name"] == trained["chosen"])
    assert body["model"]["band_coverage"] == served["band_coverage"]  # what the backtest measured
    assert 0.0 <= body["model"]["band_coverage"] <= 1.0
    assert len(body["forecast"]) == 12
    assert [s["minutes_ahead"] for s in body["forecast"]] == list(range(5, 65, 5))
    for step in body["forecast"]:
        assert step["flow_low"] <= step["flow"] <= step["flow_high"]
        assert "speed" in step
    assert len(body["history"]) == 36
    assert body["history"][-1]["time"] < body["forecast"][0]["time"]


def test_forecasts_overview_lists_detectors_and_congestion(
    client: TestClient, tokens: dict[str, str], trained: dict[str, object]
) -> None:
    response = client.get("/api/brain/forecasts", headers=auth(tokens["operator"]))
    assert response.status_code == 200
    body = response.json()
    assert body["detectors"] == ["0", "1", "2", "3", "4", "5"]
    assert all(c["congestion_in_min"] % 5 == 0 for c in body["congestion"])


@pytest.mark.parametrize(
    ("params", "status", "error"),
    [
        pytest.param({"detector": "nope"}, 404, "forecast_unknown_detector", id="unknown-detector"),
    ],
)
def test_forecasts_route_rejects_bad_requests(
    client: TestClient,
    *,
    tokens: dict[str, str],
    trained: dict[str, object],
    params: dict[str, str],
    status: int,
    error: str,
) -> None:
    response = client.get("/api/brain/forecasts", params=params, headers=auth(tokens["fan"]))
    assert response.status_code == status
    assert response.json()["error"] == error


def test_forecasts_route_needs_a_token(client: TestClient) -> None:
    assert client.get("/api/brain/forecasts", params={"detector": "1"}).status_code == 401


def test_without_a_model_the_route_says_how_to_train(
    client: TestClient, tokens: dict[str, str]
) -> None:
    response = client.get(
        "/api/brain/forecasts", params={"detector": "1"}, headers=auth(tokens["fan"])
    )
    assert response.status_code == 404
    assert "hostcity brain forecast train" in response.json()["hint"]


def test_service_prefers_the_newest_model_that_beats_the_baselines(
    platform: Platform, benchmark_files: tuple[Path, Path, Series]
) -> None:
    data, graph, _ = benchmark_files
    root = model_store.models_dir(platform.settings)
    first = train(platform, data, graph)
    second = train(platform, data, graph, learned=False)  # baselines only: cannot beat them
    service: ForecastService = platform.service(SERVICE)
    expected = first["version"] if first["beats_baselines"] else second["version"]
    assert service.select_version() == expected
    meta = model_store.read_metadata(root, str(second["version"]))
    assert meta["beats_baselines"] is False
    assert meta["chosen"] == meta["best_baseline"]
    info = service.forecast("0")["model"]
    if not first["beats_baselines"]:
        assert "no saved model beats the baselines" in info["note"]


def test_training_job_with_bad_data_fails_with_the_reason(
    platform: Platform, tmp_path: Path, benchmark_files: tuple[Path, Path, Series]
) -> None:
    _, graph, _ = benchmark_files
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip")
    job_id = platform.jobs.submit(JOB_KIND, {"data": str(bad), "graph": str(graph)})
    view = platform.jobs.wait(job_id, timeout_s=30)
    assert view.status.value == "failed"
    assert view.error is not None and "is not an .npz archive" in view.error


def test_train_route_queues_a_job_for_operators_only(
    client: TestClient, tokens: dict[str, str], benchmark_files: tuple[Path, Path, Series]
) -> None:
    data, graph, _ = benchmark_files
    body = {"data": str(data), "graph": str(graph), "start": START, "max_epochs": 1, "threads": 1}
    denied = client.post("/api/brain/forecasts/train", json=body, headers=auth(tokens["fan"]))
    assert denied.status_code == 403
    bad = client.post(
        "/api/brain/forecasts/train",
        json={**body, "data": str(data.parent / "missing.npz")},
        headers=auth(tokens["operator"]),
    )
    assert bad.status_code == 422
    assert "no data file" in bad.json()["message"]
    queued = client.post("/api/brain/forecasts/train", json=body, headers=auth(tokens["operator"]))
    assert queued.status_code == 202
    job = client.get(f"/api/jobs/{queued.json()['job_id']}", headers=auth(tokens["operator"]))
    assert job.status_code == 200
    assert job.json()["kind"] == "brain.forecast_train"
