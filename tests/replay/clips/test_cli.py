"""``hostcity replay render``: flags or a JSON spec in, an MP4 out, JSON with --json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hostcity.cli.main import main
from hostcity.core.errors import InputError
from hostcity.replay.clips import service
from hostcity.replay.types import CameraSet
from tests.replay.clips.conftest import fake_resolver
from tests.replay.clips.media import inspect_clip


@pytest.fixture
def cli_env(tmp_path: Path, camera_set: CameraSet, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    for key in ("HOSTCITY_DATA_DIR", "HOSTCITY_DATABASE_URL", "HOSTCITY_CONFIG"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setattr(service, "resolve_with_recordings", fake_resolver(camera_set))
    return ["--data-dir", str(tmp_path / "data")]


def test_render_with_flags_writes_the_clip_and_prints_json(
    cli_env: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.mp4"
    args = [*cli_env, "replay", "render", "test-set", "--angle", "cam2", "--start", "1.5",
            "--end", "2.5", "--format", "vertical", "--slowmo", "1.8:2.0:2", "--title", "Go",
            "--lower-third", "A. Skater|500 m|34.12", "--loudness", "broadcast",
            "-o", str(out), "--json"]  # fmt: skip
    assert main(args) == 0
    printed = capsys.readouterr().out.strip().splitlines()
    assert len(printed) == 1
    result = json.loads(printed[0])
    assert result["output"] == str(out) and result["cached"] is False
    facts = inspect_clip(out)
    assert (facts.width, facts.height) == (1080, 1920)
    assert facts.frames == 25 + 5 + 50  # window + slow-motion extra + 2 s title card
    assert abs(facts.lufs + 23) <= 0.5

    assert main([*args[:-3], "-o", str(tmp_path / "again.mp4"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["cached"] is True
    assert (tmp_path / "again.mp4").read_bytes() == out.read_bytes()


def test_spec_file_with_flag_override(
    cli_env: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({"set": "test-set", "angles": ["cam1"], "start_s": 1, "end_s": 5}))
    out = tmp_path / "clip.mp4"
    assert (
        main([*cli_env, "replay", "render", "--spec", str(spec), "--end", "1.6", "-o", str(out)])
        == 0
    )
    assert "wrote" in capsys.readouterr().out
    assert inspect_clip(out).frames == 15


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        pytest.param(["--angle", "cam9"], "no camera 'cam9'", id="unknown-camera"),
        pytest.param(["--angle", "cam1", "--end", "20"], "outside camera", id="window-outside"),
        pytest.param(["--angle", "cam1", "--slowmo", "x:y"], "--slowmo 'x:y'", id="bad-slowmo"),
        pytest.param(["--angle", "cam1", "--format", "tall"], "format", id="bad-format"),
    ],
)
def test_bad_flags_exit_1_with_a_clear_message(
    cli_env: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    message: str,
) -> None:
    args = [*cli_env, "replay", "render", "test-set", "--start", "1", "--end", "2", *extra]
    # later flags win, so the test's --start overrides the default one
    assert main([*args, "-o", str(tmp_path / "x.mp4")]) == 1
    assert message in capsys.readouterr().err
    assert not (tmp_path / "x.mp4").exists()


def test_unreadable_spec_file_is_an_input_error(tmp_path: Path) -> None:
    from hostcity.cli.replay.clips import _load_spec_file

    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(InputError, match="cannot read clip spec"):
        _load_spec_file(bad)
