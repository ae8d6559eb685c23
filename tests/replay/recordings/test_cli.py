"""The recordings commands, run through the real entry point."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hostcity.cli.main import main
from hostcity.core.settings import Settings
from tests.replay.recordings import media_files


def _run(settings: Settings, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["--data-dir", str(settings.data_dir), "replay", *args])
    out = capsys.readouterr()
    return code, out.out + out.err


def test_demo_footage_writes_files_and_truth(
    settings: Settings, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "ev"
    code, text = _run(
        settings, capsys, "demo-footage", str(out), "--seconds", "10", "--size", "128x72", "--json"
    )
    assert code == 0, text
    summary = json.loads(text)
    assert [c["file"] for c in summary["cameras"]] == [f"cam{i}.mp4" for i in range(1, 5)]
    assert all((out / c["file"]).stat().st_size > 1000 for c in summary["cameras"])
    assert json.loads((out / "truth.json").read_text())["width"] == 128


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["--size", "big"], id="bad-size"),
        pytest.param(["--cameras", "2"], id="too-few-cameras"),
        pytest.param(["--fps", "fast"], id="bad-fps"),
    ],
)
def test_demo_footage_bad_options(
    settings: Settings, capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str]
) -> None:
    code, text = _run(settings, capsys, "demo-footage", str(tmp_path / "x"), *args)
    assert code == 1
    assert text.startswith("error: ")


def test_import_sets_offset_and_highlights(
    settings: Settings,
    capsys: pytest.CaptureFixture[str],
    footage: tuple[Path, dict[str, Any]],
    footage_files: list[Path],
) -> None:
    folder, truth = footage
    files = [str(p) for p in footage_files]
    code, text = _run(
        settings, capsys, "import", "race", *files, "--track", str(folder / "truth.json"),
        "--positions", "1,2,3,4", "--json",
    )  # fmt: skip
    assert code == 0, text
    view = json.loads(text)
    assert [c["offset_s"] for c in view["cameras"]] == pytest.approx(
        [c["offset_s"] for c in truth["cameras"]], abs=1 / 25
    )
    assert view["has_action_track"]
    code, text = _run(settings, capsys, "sets")
    assert code == 0
    assert "race (id 1): 4 cameras" in text
    code, text = _run(settings, capsys, "set-offset", "race", "cam3", "0.75", "--json")
    assert code == 0
    assert json.loads(text)["cameras"][2]["offset_s"] == 0.75
    code, text = _run(settings, capsys, "highlights", "race", "--top", "3", "--json")
    assert code == 0
    doc = json.loads(text)
    assert 1 <= len(doc["highlights"]) <= 3
    code, text = _run(settings, capsys, "highlights", "race")
    assert "#1" in text and "best angle" in text


def test_import_errors_are_one_line(
    settings: Settings, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, text = _run(settings, capsys, "import", "x", str(tmp_path / "none.mp4"))
    assert code == 1
    assert "none.mp4: no such file" in text
    video = media_files.test_video(tmp_path / "v.mp4")
    code, text = _run(settings, capsys, "import", "x", str(video), "--positions", "a")
    assert code == 1
    assert "bad positions" in text
    code, text = _run(settings, capsys, "sets", "--json")
    assert json.loads(text) == {"sets": []}
    code, text = _run(settings, capsys, "set-offset", "x", "cam1", "1")
    assert code == 1
    assert "no camera set 'x'" in text
