"""A small signalised SUMO grid made with netgenerate, shared by the twin and incident tests."""

from __future__ import annotations

import subprocess
from pathlib import Path


def make_grid_net(net: Path) -> Path:
    """Write a 3x3 grid, 200 m blocks, two lanes a road, guessed traffic lights, to ``net``."""
    import sumolib

    subprocess.run(
        [
            sumolib.checkBinary("netgenerate"),
            "--grid", "--grid.number", "3", "--grid.length", "200",
            "--default.lanenumber", "2", "--tls.guess", "true", "--no-turnarounds", "true",
            "--seed", "1", "-o", str(net),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return net
