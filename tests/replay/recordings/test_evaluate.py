"""The evaluation on longer generated events with distractors: the issue's targets."""

from __future__ import annotations

import pytest

from hostcity.replay.recordings.evaluate import evaluate


@pytest.mark.slow
def test_highlight_f1_and_sync_targets_over_seeds() -> None:
    result = evaluate([2, 5], seconds=30.0, size=(160, 90))
    assert result["peaks"] >= 8
    assert result["mean_f1"] >= 0.9
    assert result["max_sync_error_frames"] <= 1.0
    for seed in result["seeds"]:
        assert seed["f1"] >= 0.8
        assert seed["min_sync_confidence"] > 0.2
