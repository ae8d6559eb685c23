"""The twin service beyond HTTP: pruning, limits, detectors the twin placed."""

from __future__ import annotations

import pytest

from hostcity.brain.twin.service import TwinService
from hostcity.brain.twin.types import DetectorSpec, EdgeGeometry, NetworkGeometry
from hostcity.core.errors import InputError
from hostcity.core.platform import Platform
from tests.brain.twin.entities import entity


def _service(platform: Platform) -> TwinService:
    service: TwinService = platform.service("brain.twin")
    return service


def test_prune_removes_only_old_readings_of_the_source(platform: Platform) -> None:
    service = _service(platform)
    service.ingest([entity("twin-loop")], source="twin")
    service.ingest([entity("api-sensor")], source="api")
    assert service.prune(source="twin", keep_s=3600) == 0
    assert service.prune(source="twin", keep_s=-3600) == 1
    assert [o.detector_id for o in service.recent()] == ["api-sensor"]


@pytest.mark.parametrize("limit", [pytest.param(0, id="zero"), pytest.param(1001, id="too-many")])
def test_limit_is_checked(platform: Platform, limit: int) -> None:
    with pytest.raises(InputError):
        _service(platform).recent(limit=limit)


def test_detector_list_merges_twin_loops_and_sensors(platform: Platform) -> None:
    service = _service(platform)
    street = EdgeGeometry("a", "J0", "J1", 1, 13.9, [(0.0, 0.0), (100.0, 0.0)], "Rudower Chaussee")
    network = NetworkGeometry([street], [], [], (0, 0, 0, 0))
    service.set_network(network, [DetectorSpec("twin-e1-a_0", "J1", "a_0", "a", 0, 90)])
    service.ingest([entity("street-cam")])
    rows = {row["id"]: row for row in service.detector_list()}
    assert rows["twin-e1-a_0"]["tls"] == "J1"
    assert rows["twin-e1-a_0"]["street"] == "Rudower Chaussee"  # the loop's street, by name
    assert rows["street-cam"]["street"] == ""  # a sensor on a road the network does not name
    assert network.to_dict()["edges"][0]["name"] == "Rudower Chaussee"
    assert rows["twin-e1-a_0"]["latest"] is None
    assert rows["street-cam"]["latest"]["intensity_veh"] == 12
