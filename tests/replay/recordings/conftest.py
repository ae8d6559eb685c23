"""Fixtures of the recordings tests: one small generated event, made once per session."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hostcity.replay.recordings.adapters.footage import write_footage
from hostcity.replay.recordings.scene import make_scene

FOOTAGE_SECONDS = 20.0
FOOTAGE_SIZE = (320, 180)


@pytest.fixture(scope="session")
def footage(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """A 20 s, 320x180, four-camera event with crowd peaks: its folder and truth."""
    folder = tmp_path_factory.mktemp("footage")
    width, height = FOOTAGE_SIZE
    scene = make_scene(seconds=FOOTAGE_SECONDS, width=width, height=height, seed=7)
    return folder, write_footage(scene, folder)


@pytest.fixture(scope="session")
def footage_files(footage: tuple[Path, dict[str, Any]]) -> list[Path]:
    """The generated videos in camera order."""
    folder, truth = footage
    return [folder / cam["file"] for cam in truth["cameras"]]
