"""Twin test fixtures: a small signalised grid made with netgenerate and random trips."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.brain.grid_net import make_grid_net


@dataclass(frozen=True)
class GridScenario:
    """A stand-in for ``brain.control.scenario.Scenario``, private to these tests."""

    name: str
    net_file: Path
    route_files: tuple[Path, ...]
    additional_files: tuple[Path, ...]
    begin_s: float
    end_s: float


def _build_grid(workdir: Path) -> GridScenario:
    import sumo

    net = make_grid_net(workdir / "grid.net.xml")
    routes = workdir / "grid.rou.xml"
    random_trips = Path(sumo.SUMO_HOME) / "tools" / "randomTrips.py"
    subprocess.run(
        [
            sys.executable, str(random_trips), "-n", str(net), "-r", str(routes),
            "-o", str(workdir / "grid.trips.xml"), "-e", "900", "-p", "1.5", "--seed", "1",
            "--validate",
        ],
        check=True,
        capture_output=True,
        cwd=workdir,
    )  # fmt: skip
    return GridScenario("grid", net, (routes,), (), 0.0, 900.0)


@pytest.fixture(scope="session")
def grid(tmp_path_factory: pytest.TempPathFactory) -> GridScenario:
    """A 3x3 grid with 5 traffic lights and 15 minutes of random traffic."""
    return _build_grid(tmp_path_factory.mktemp("grid"))
