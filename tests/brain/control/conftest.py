"""Fixtures of the control tests: a tiny signalised grid made with SUMO's netgenerate."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from hostcity.brain.control.adapters.sumo_tools import binary

# Through traffic in every direction of a 2x2 grid of signals, heavier west-east.
FLOWS = (
    ("left0A0", "B0right0", 500),
    ("right1B1", "A1left1", 300),
    ("bottom0A0", "A1top0", 250),
    ("top1B1", "B0bottom1", 250),
    ("left1A1", "B1right1", 200),
)
END_S = 300


@dataclass(frozen=True)
class Grid:
    """The files of the test scenario."""

    net: Path
    routes: Path
    config: Path
    folder: Path


def write_routes(path: Path, flows: tuple[tuple[str, str, int], ...] = FLOWS) -> Path:
    """A route file of flows between grid edges."""
    lines = ["<routes>", '  <vType id="car" length="4.5" minGap="2.5"/>']
    for index, (origin, destination, per_hour) in enumerate(flows):
        lines.append(
            f'  <flow id="f{index}" type="car" begin="0" end="{END_S}" from="{origin}" '
            f'to="{destination}" vehsPerHour="{per_hour}" departLane="best"/>'
        )
    lines.append("</routes>")
    path.write_text("\n".join(lines) + "\n")
    return path


def write_config(path: Path, net: Path, routes: Path, end_s: int = END_S) -> Path:
    """A SUMO configuration for ``net`` and ``routes``."""
    path.write_text(
        "<configuration>\n  <input>\n"
        f'    <net-file value="{net.name}"/>\n    <route-files value="{routes.name}"/>\n'
        f'  </input>\n  <time>\n    <begin value="0"/>\n    <end value="{end_s}"/>\n'
        "  </time>\n</configuration>\n"
    )
    return path


@pytest.fixture(scope="session")
def grid(tmp_path_factory: pytest.TempPathFactory) -> Grid:
    """A 2x2 grid of traffic lights with 150 m blocks, flows, and a config."""
    folder = tmp_path_factory.mktemp("grid")
    net = folder / "grid.net.xml"
    subprocess.run(
        [
            binary("netgenerate"), "--grid", "--grid.number", "2", "--grid.length", "150",
            "--grid.attach-length", "100", "--default-junction-type", "traffic_light",
            "--default.lanenumber", "2", "--no-turnarounds", "--no-warnings",
            "--output-file", str(net),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    routes = write_routes(folder / "grid.rou.xml")
    config = write_config(folder / "grid.sumocfg", net, routes)
    return Grid(net, routes, config, folder)
