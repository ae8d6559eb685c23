"""``hostcity brain dispatch``'s run: a headless twin, a dispatch after warm-up, the arrival."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import pytest

from hostcity.brain.emergency.adapters.headless import dispatch_headless
from hostcity.brain.emergency.adapters.roads import read_roads
from hostcity.brain.emergency.calls import CallLocation
from hostcity.brain.emergency.demo import demo_units
from hostcity.brain.emergency.errors import OutsideNetworkError
from hostcity.core.platform import Platform, open_platform
from hostcity.core.settings import load_settings
from tests.conftest import TEST_SECRET


@pytest.fixture
def grid_platform(ev_grid_net: Path, tmp_path: Path) -> Iterator[Platform]:
    """A platform whose scenario is the 4x4 signalised grid, with the demo's units on it."""
    settings = load_settings(
        data_dir=tmp_path / "data",
        secret_key=TEST_SECRET,
        brain={"twin_enabled": False, "scenario": str(ev_grid_net), "controller": "fixed"},
    )
    platform = open_platform(settings)
    graph, _ = read_roads(ev_grid_net)
    for unit in demo_units(graph):
        platform.service("brain.emergency").add_unit(unit)
    yield platform
    platform.close()


@pytest.mark.timeout(240)
def test_the_fastest_unit_reaches_a_far_call(grid_platform: Platform, ev_grid_net: Path) -> None:
    graph, _ = read_roads(ev_grid_net)
    core = [graph.edges[e] for e in graph.core]
    far = max(core, key=lambda e: (math.dist((300, 300), e.shape[0]), e.edge_id))
    call = dispatch_headless(
        grid_platform, CallLocation(edge_id=far.edge_id), warmup_s=60, limit_s=900
    )
    assert call["arrived"], call
    etas = {k: v for k, v in call["candidates"].items() if v is not None}
    assert call["unit"] == min(etas, key=lambda k: etas[k])
    assert call["status"] == "closed"  # the run ended with the unit on scene
    assert call["travel_time_s"] > 0
    statuses = {u["status"] for u in grid_platform.service("brain.emergency").units()}
    assert statuses == {"available"}


def test_a_call_off_the_grid_is_refused(grid_platform: Platform) -> None:
    with pytest.raises(OutsideNetworkError, match="outside the network"):
        dispatch_headless(grid_platform, CallLocation(x=5000.0, y=5000.0), warmup_s=10)
    statuses = {u["status"] for u in grid_platform.service("brain.emergency").units()}
    assert statuses == {"available"}
