"""``hostcity brain ingest``, ``observations`` and ``detectors``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hostcity.cli.main import main
from hostcity.core.settings import Settings
from tests.brain.twin.conftest import GridScenario
from tests.brain.twin.entities import entity


def _run(settings: Settings, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["--data-dir", str(settings.data_dir), *args])
    out = capsys.readouterr()
    return code, out.out + out.err


def test_ingest_then_read_back_as_json(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    batch = tmp_path / "batch.json"
    batch.write_text(json.dumps([entity("loop-a", intensity=6), entity("loop-b")]))
    code, out = _run(settings, capsys, "brain", "ingest", str(batch), "--json")
    assert code == 0, out
    assert json.loads(out) == {"stored": 2, "detectors": ["loop-a", "loop-b"]}
    code, out = _run(settings, capsys, "brain", "observations", "--detector", "loop-a", "--json")
    assert code == 0, out
    data = json.loads(out)
    assert data["detector"] == "loop-a"
    assert [o["flow_veh_per_h"] for o in data["observations"]] == [pytest.approx(360.0)]
    code, out = _run(settings, capsys, "brain", "observations")
    assert code == 0
    assert "loop-a" in out
    assert "loop-b" in out
    code, out = _run(settings, capsys, "brain", "detectors", "--json")
    assert [d["id"] for d in json.loads(out)["detectors"]] == ["loop-a", "loop-b"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param("[{", "is not JSON: line 1", id="not-json"),
        pytest.param(
            json.dumps([entity(occupancy=3)]),
            "[0] urn:ngsi-ld:TrafficFlowObserved:loop-1: occupancy",
            id="bad-field",
        ),
        pytest.param(None, "cannot read", id="missing-file"),
    ],
)
def test_bad_batch_file_is_one_clear_line(
    settings: Settings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: str | None,
    message: str,
) -> None:
    batch = tmp_path / "batch.json"
    if content is not None:
        batch.write_text(content)
    code, out = _run(settings, capsys, "brain", "ingest", str(batch))
    assert code == 1
    assert message in out
    assert "Traceback" not in out
    code, out = _run(settings, capsys, "brain", "observations", "--json")
    assert json.loads(out)["observations"] == []


def test_unknown_detector_is_an_error(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _run(settings, capsys, "brain", "observations", "--detector", "ghost")
    assert code == 1
    assert "ghost" in out


@pytest.mark.timeout(120)
def test_twin_run_simulates_headless_and_stores_readings(
    settings: Settings,
    grid: GridScenario,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pytest.importorskip("hostcity.brain.control.scenario")
    monkeypatch.setenv("HOSTCITY_BRAIN__SCENARIO", str(grid.net_file))
    monkeypatch.setenv("HOSTCITY_BRAIN__DETECTOR_INTERVAL_S", "30")
    code, out = _run(
        settings, capsys, "brain", "twin-run", "--sim-s", "300", "--controller", "fixed", "--json"
    )
    assert code == 0, out
    result = json.loads(out.strip().splitlines()[-1])
    assert result["state"] == "finished"
    assert result["sim_time_s"] - result["begin_s"] >= 300
    assert result["detectors"] == 32
    assert result["backend"] == "libsumo"
    code, out = _run(settings, capsys, "brain", "detectors", "--json")
    readings = [d for d in json.loads(out)["detectors"] if d["latest"]]
    assert len(readings) == 32


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["--sim-s", "0"], id="zero-duration"),
        pytest.param(["--sim-s", "nan"], id="duration-not-a-number"),
        pytest.param(["--speed", "inf"], id="speed-not-finite"),
        pytest.param(["--backend", "carrier-pigeon"], id="unknown-backend"),
    ],
)
def test_twin_run_rejects_bad_options(
    settings: Settings, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    code, out = _run(settings, capsys, "brain", "twin-run", *args)
    assert code == 1
    assert out.startswith("error: ")
