"""Live detection links the twin's loops along its network, as the evaluation does."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from hostcity.brain.incidents.adapters.live_runner import LiveIncidentWorker
from hostcity.brain.incidents.adapters.sumo_graph import detector_graph, live_graph, twin_detectors
from hostcity.brain.incidents.types import DetectorNode
from hostcity.brain.twin.service import TwinService
from hostcity.brain.twin.types import DetectorSpec, NetworkGeometry, Observation
from hostcity.core.errors import InputError
from hostcity.core.platform import Platform, open_platform
from hostcity.core.settings import Settings
from tests.brain.grid_net import make_grid_net

EPOCH = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def grid_net(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 3x3 netgenerate grid with two lanes a road and guessed traffic lights."""
    return make_grid_net(tmp_path_factory.mktemp("live-graph") / "grid.net.xml")


@pytest.fixture(scope="module")
def specs(grid_net: Path) -> list[DetectorSpec]:
    return twin_detectors(grid_net)[0]


def _fed_lanes(net_file: Path, lane_id: str) -> set[str]:
    """The lanes ``lane_id`` feeds, read straight from the network file."""
    import sumolib

    net: Any = sumolib.net.readNet(str(net_file))
    return {str(c.getToLane().getID()) for c in net.getLane(lane_id).getOutgoing()}


def _same_edge_only(graph: dict[str, DetectorNode], specs: list[DetectorSpec]) -> None:
    edge_of = {s.detector_id: s.edge_id for s in specs}
    assert set(graph) == set(edge_of)
    for det, node in graph.items():
        assert (node.upstream, node.downstream) == ((), ())
        assert set(node.neighbours) == {o for o, e in edge_of.items() if e == node.edge_id} - {det}


def test_a_live_loop_gets_its_downstream_neighbour(
    grid_net: Path, specs: list[DetectorSpec]
) -> None:
    graph = live_graph(specs, grid_net)
    lane_of = {s.detector_id: s.lane_id for s in specs}
    linked = [node for node in graph.values() if node.downstream]
    assert linked, "a loop on a road into a signalised junction feeds another signalised road"
    for node in linked:
        fed = _fed_lanes(grid_net, node.lane_id)
        assert {lane_of[d] for d in node.downstream} <= fed
        for down in node.downstream:
            assert node.detector_id in graph[down].upstream
    # every loop on a lane this lane feeds is its downstream neighbour
    by_lane = {s.lane_id: s.detector_id for s in specs}
    for node in graph.values():
        expected = {by_lane[lane] for lane in _fed_lanes(grid_net, node.lane_id) if lane in by_lane}
        assert set(node.downstream) == expected


def test_live_and_evaluation_graphs_are_the_same(grid_net: Path, specs: list[DetectorSpec]) -> None:
    assert live_graph(specs, grid_net) == twin_detectors(grid_net)[1]


def test_without_a_network_the_graph_is_same_edge_only(specs: list[DetectorSpec]) -> None:
    _same_edge_only(live_graph(specs, None), specs)


def test_an_unreadable_network_falls_back_with_a_warning(
    tmp_path: Path, specs: list[DetectorSpec], caplog: pytest.LogCaptureFixture
) -> None:
    broken = tmp_path / "broken.net.xml"
    broken.write_text("<net>")
    with caplog.at_level(logging.WARNING):
        graph = live_graph(specs, broken)
    _same_edge_only(graph, specs)
    assert "same-edge neighbours only" in caplog.text


@pytest.mark.parametrize(
    "lane_id",
    [pytest.param("nowhere_0", id="unknown-edge"), pytest.param("nolane", id="not-a-lane-id")],
)
def test_a_loop_on_a_lane_the_network_lacks_is_named(grid_net: Path, lane_id: str) -> None:
    spec = DetectorSpec("stray", "J", lane_id, lane_id.split("_", maxsplit=1)[0], 0, 10.0)
    with pytest.raises(InputError, match="'stray'"):
        detector_graph(grid_net, [spec])


@pytest.fixture
def twin_platform(settings: Settings) -> Iterator[Platform]:
    """A platform with the twin enabled (its workers, live detection among them, not started)."""
    changed = settings.model_copy(
        update={"brain": settings.brain.model_copy(update={"twin_enabled": True})}
    )
    opened = open_platform(changed)
    yield opened
    opened.close()


def _first_batch(worker: LiveIncidentWorker, det: str) -> dict[str, DetectorNode]:
    reading = Observation(det, EPOCH, EPOCH + timedelta(seconds=60), 3.0, occupancy=0.1)
    worker.handle([reading.to_dict()])
    assert worker.detection is not None
    return worker.detection.graph


@pytest.mark.parametrize(
    "with_net", [pytest.param(True, id="twin-network"), pytest.param(False, id="no-network")]
)
def test_the_registered_worker_builds_its_graph_from_the_twin(
    twin_platform: Platform, grid_net: Path, specs: list[DetectorSpec], with_net: bool
) -> None:
    twin: TwinService = twin_platform.service("brain.twin")
    geometry = NetworkGeometry([], [], [], (0, 0, 1, 1))
    twin.set_network(geometry, specs, net_file=grid_net if with_net else None)
    [worker] = [w for w in twin_platform.workers if isinstance(w, LiveIncidentWorker)]
    expected = live_graph(specs, grid_net)
    det = next(d for d, node in expected.items() if node.downstream)
    graph = _first_batch(worker, det)
    if with_net:
        assert graph == expected
    else:
        _same_edge_only(graph, specs)
