"""Emergency test fixtures: a small signalised grid made with SUMO's netgenerate, and the
service with one ambulance on a free-flowing grid."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from hostcity.brain.emergency.service import EmergencyService
from hostcity.brain.emergency.setup import SERVICE
from hostcity.brain.emergency.units import Unit
from hostcity.core.platform import Platform
from tests.brain.emergency.roads import grid_graph, picture


@pytest.fixture(scope="session")
def ev_grid_net(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 4x4 grid of traffic lights, 200 m blocks, one lane each way (random trips are added
    by ``load_scenario``)."""
    import sumolib

    net = tmp_path_factory.mktemp("ev_grid") / "evgrid.net.xml"
    subprocess.run(
        [
            sumolib.checkBinary("netgenerate"), "--grid", "--grid.number", "4",
            "--grid.length", "200", "--grid.attach-length", "100",
            "--default-junction-type", "traffic_light", "--tls.guess.threshold", "0",
            "--default.lanenumber", "1", "--no-turnarounds", "--no-warnings",
            "--output-file", str(net),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return net


@pytest.fixture
def service(platform: Platform) -> EmergencyService:
    """The service with one ambulance on a free-flowing 3x3 grid."""
    found: EmergencyService = platform.service(SERVICE)
    found.add_unit(Unit("amb-1", "ambulance", "Ambulance 1", "n00-n10", 50.0, (50.0, 0.0)))
    found.set_picture(picture(grid_graph()))
    return found
