"""Where the calibrated gate threshold lives (the data directory) and how it is read back."""

from __future__ import annotations

import json
from pathlib import Path

from hostcity.core.settings import Settings
from hostcity.smartpass.faces.matching import Thresholds


def threshold_path(settings: Settings) -> Path:
    """Where ``hostcity pass calibrate`` stores the calibrated threshold."""
    return settings.data_dir / "faces" / "threshold.json"


def load_thresholds(settings: Settings) -> Thresholds:
    """The calibrated thresholds, or the defaults measured on lfw-dev."""
    path = threshold_path(settings)
    if not path.is_file():
        return Thresholds()
    data = json.loads(path.read_text())
    return Thresholds(
        admit=float(data["threshold"]),
        refer_margin=float(data.get("refer_margin", Thresholds().refer_margin)),
    )
