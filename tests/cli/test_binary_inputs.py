"""A binary file where a command expects text (JSON, a pairs list) or an .npz gets one line
naming the file, never an unexpected error."""

from __future__ import annotations

from pathlib import Path

import pytest

from hostcity.cli.main import main

NOISE = bytes(range(251, 256)) + bytes(range(256)) * 8


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(["brain", "ingest", "{f}"], "observations file {f} is not UTF-8", id="ingest"),
        pytest.param(["pass", "exit-plan", "{f}"], "venue file {f} is not UTF-8", id="venue"),
        pytest.param(
            ["pass", "eval-lfw", "{f}", "--images", "{d}"], "pairs file {f} is not UTF-8", id="lfw"
        ),
        pytest.param(["pass", "import-event", "{d}"], "event file {d}/event.json", id="event"),
        pytest.param(
            ["replay", "render", "s1", "--spec", "{f}", "-o", "{d}/clip.mp4"],
            "clip spec {f} is not UTF-8",
            id="clip-spec",
        ),
        pytest.param(
            ["brain", "forecast", "backtest", "{f}", "--graph", "{f}"],
            "{f} is not an .npz archive",
            id="npz",
        ),
    ],
)
def test_a_binary_file_is_named_not_crashed_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], expected: str
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    noise = tmp_path / "noise.bin"
    noise.write_bytes(NOISE)
    (folder / "event.json").write_bytes(NOISE)
    fill = {"f": str(noise), "d": str(folder)}
    code = main(["--data-dir", str(tmp_path / "data"), *[a.format(**fill) for a in args]])
    err = capsys.readouterr().err
    assert code == 1, err
    assert expected.format(**fill) in err
    assert "unexpected" not in err
