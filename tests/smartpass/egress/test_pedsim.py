"""JuPedSim evacuations of a small generated venue, and the egress-eval command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hostcity.cli.main import main
from hostcity.smartpass.egress.layout import arena_layout
from hostcity.smartpass.egress.venue import parse_venue


@pytest.mark.slow
def test_egress_eval_prints_both_times_as_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    venue_file = tmp_path / "venue.json"
    venue_file.write_text(json.dumps(arena_layout("T", "Test arena", stand_capacity=40)))
    code = main(["pass", "egress-eval", str(venue_file), "--agents", "160", "--json"])
    out = capsys.readouterr().out
    assert code == 0
    result = json.loads(out)
    assert set(result) >= {"evac_time_nearest_s", "evac_time_hostcity_s", "reduction"}
    assert result["evac_time_nearest_s"] > 20
    assert result["reduction"] == pytest.approx(
        1 - result["evac_time_hostcity_s"] / result["evac_time_nearest_s"], abs=0.01
    )
    counts = result["per_exit"]["nearest"]
    assert sum(c["agents"] for c in counts.values()) == 160


def test_disconnected_geometry_is_refused(tmp_path: Path) -> None:
    from hostcity.core.errors import InputError
    from hostcity.smartpass.egress.adapters.pedsim import simulate_evacuation

    data = arena_layout("T", "Test arena", stand_capacity=10)
    for area in data["areas"]:
        if area["id"] == "S1":
            area["polygon"] = [[500, 500], [510, 500], [510, 510], [500, 510]]
    venue = parse_venue(data)
    with pytest.raises(InputError, match="one connected walkable area"):
        simulate_evacuation(venue, {"S1": 5}, {"S1": {"main-gate": 1.0}})
