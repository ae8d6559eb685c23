"""The faces CLI: tickets, audit, erasure, and the LFW evaluation and calibration on tiny data."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from hostcity.cli.main import main
from hostcity.core.settings import Settings
from hostcity.smartpass.faces.calibration import load_thresholds, threshold_path
from tests.smartpass.faces.conftest import Rgb, transform


def _run(settings: Settings, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["--data-dir", str(settings.data_dir), *args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.fixture
def tiny_lfw(tmp_path: Path, hopper: Rgb, astronaut: Rgb) -> tuple[Path, Path]:
    """An LFW-shaped set: two people, three 250x250 face-centred images each, two folds."""
    people = {"Grace_Hopper": hopper[:512, :512], "Eileen_Collins": astronaut[20:235, 115:330]}
    images = tmp_path / "images"
    for name, crop in people.items():
        (images / name).mkdir(parents=True)
        for number, kind in enumerate(("identity", "mirror", "rotate10"), start=1):
            picture = Image.fromarray(transform(np.ascontiguousarray(crop), kind)).resize(
                (250, 250)
            )
            picture.save(images / name / f"{name}_{number:04d}.jpg", quality=92)
    pairs = tmp_path / "pairs.txt"
    pairs.write_text(
        "2\t2\n"
        "Grace_Hopper\t1\t2\nEileen_Collins\t1\t3\n"
        "Grace_Hopper\t1\tEileen_Collins\t1\nGrace_Hopper\t3\tEileen_Collins\t2\n"
        "Grace_Hopper\t2\t3\nEileen_Collins\t1\t2\n"
        "Grace_Hopper\t2\tEileen_Collins\t3\nGrace_Hopper\t1\tEileen_Collins\t2\n"
    )
    return pairs, images


@pytest.mark.slow
def test_eval_lfw_and_calibrate_on_tiny_set(
    settings: Settings,
    capsys: pytest.CaptureFixture[str],
    tiny_lfw: tuple[Path, Path],
    tmp_path: Path,
) -> None:
    pairs, images = tiny_lfw
    cache = tmp_path / "emb.npz"
    code, out = _run(
        settings,
        capsys,
        "pass",
        "eval-lfw",
        str(pairs),
        "--images",
        str(images),
        "--cache",
        str(cache),
        "--json",
    )
    assert code == 0, out
    result = json.loads(out)
    assert set(result) >= {"accuracy", "accuracy_std", "tar_at_far_1e-3", "pairs", "images_per_s"}
    assert result["pairs"] == 8 and result["images"] == 6
    assert result["accuracy"] == 1.0
    assert result["jitters"] == settings.smartpass.enrol_jitters == 8
    assert result["images_per_s"] > 0
    assert cache.is_file()
    code, out = _run(
        settings,
        capsys,
        "pass",
        "calibrate",
        str(pairs),
        "--images",
        str(images),
        "--cache",
        str(cache),
        "--target-far",
        "0.0001",
    )
    assert code == 1 and "impostor pairs" in out
    code, out = _run(
        settings,
        capsys,
        "pass",
        "calibrate",
        str(pairs),
        "--images",
        str(images),
        "--cache",
        str(cache),
        "--target-far",
        "0.2",
        "--json",
    )
    assert code == 0, out
    calibration = json.loads(out)
    assert calibration["impostor_pairs"] == 9 and calibration["genuine_pairs"] == 6
    assert calibration["measured_far"] <= 0.2
    assert load_thresholds(settings).admit == pytest.approx(calibration["threshold"])
    assert threshold_path(settings).is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["missing.txt", "--images", "."], "does not exist", id="no-pairs-file"),
        pytest.param(["PAIRS", "--images", "nowhere"], "images folder", id="no-images"),
    ],
)
def test_eval_lfw_bad_input(
    settings: Settings,
    capsys: pytest.CaptureFixture[str],
    tiny_lfw: tuple[Path, Path],
    args: list[str],
    message: str,
) -> None:
    pairs, _ = tiny_lfw
    args = [str(pairs) if a == "PAIRS" else a for a in args]
    code, out = _run(settings, capsys, "pass", "eval-lfw", *args)
    assert code == 1 and message in out


def test_ticket_audit_and_erase_commands(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _run(settings, capsys, "pass", "ticket", "T-9", "--venue", "venue-9", "--json")
    assert code == 0 and json.loads(out)["venue_id"] == "venue-9"
    code, out = _run(settings, capsys, "pass", "ticket", "T-9", "--venue", "venue-9")
    assert code == 1 and "already exists" in out
    code, out = _run(settings, capsys, "pass", "audit", "--json")
    assert code == 0 and json.loads(out) == {"decisions": []}
    code, out = _run(settings, capsys, "pass", "erase", "42")
    assert code == 1 and "no face holder 42" in out
    code, out = _run(settings, capsys, "pass", "audit", "--limit", str(10**21))
    assert code == 2 and "unexpected" not in out  # a usage error, not an overflow
    code, out = _run(settings, capsys, "pass", "erase", str(10**21))
    assert code == 2 and "unexpected" not in out


def test_demo_seeder_issues_tickets_once(settings: Settings) -> None:
    from hostcity.core.db import session_scope
    from hostcity.core.platform import open_platform
    from hostcity.smartpass.faces.adapters import store
    from hostcity.smartpass.faces.setup import DEMO_TICKETS, seed_demo

    platform = open_platform(settings)
    try:
        lines = seed_demo(platform) + seed_demo(platform)
        assert "T-1001" in lines[0]
        with session_scope(platform.session_factory) as session:
            for ticket_id, venue_id in DEMO_TICKETS:
                assert store.get_ticket(session, ticket_id=ticket_id).venue_id == venue_id
    finally:
        platform.close()
