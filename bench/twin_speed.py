"""Speed of the twin's loop: the demo city with a controller in the loop, libsumo vs TraCI.

Usage: python bench/twin_speed.py [--sim-s 3600] [--controller hostcity] [--begin-h 7]

Each backend runs in its own process (libsumo holds one simulation per process). Prints a table
of real-time factors (simulated seconds per wall second) and one JSON line.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import time
from dataclasses import replace
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any


def _run(
    backend: str, workdir: str, controller: str, begin_s: float, sim_s: float
) -> dict[str, Any]:
    from hostcity.brain.control.adapters.runner import sumo_command
    from hostcity.brain.control.adapters.sumo_loop import ControlLoop
    from hostcity.brain.control.adapters.sumo_tools import binary
    from hostcity.brain.control.scenario import load_scenario

    demo = load_scenario("demo", Path(workdir), check=False)
    scenario = replace(demo, begin_s=begin_s, end_s=begin_s + sim_s)
    command = sumo_command(scenario, seed=1, tripinfo=Path(workdir) / f"trips.{backend}.xml")
    if backend == "libsumo":
        import libsumo as sumo
    else:
        import traci as sumo

        command[0] = binary("sumo")
    sumo.start(command)
    try:
        loop = ControlLoop(sumo, controller)
        started = time.monotonic()
        vehicles = 0
        while sumo.simulation.getTime() < begin_s + sim_s:
            sumo.simulationStep()
            loop.step()
            vehicles = max(vehicles, sumo.vehicle.getIDCount())
        wall_s = time.monotonic() - started
    finally:
        sumo.close()
    return {
        "backend": backend,
        "controller": controller,
        "signals": len(loop.infos),
        "sim_s": sim_s,
        "wall_s": round(wall_s, 2),
        "real_time_factor": round(sim_s / wall_s, 1),
        "peak_vehicles": vehicles,
    }


def main(argv: list[str] | None = None) -> int:
    """Run both backends one after the other and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sim-s", type=float, default=3600.0, help="simulated seconds to run")
    parser.add_argument("--controller", default="hostcity")
    parser.add_argument(
        "--begin-h", type=float, default=7.0, help="clock hour of the demo day to start at"
    )
    args = parser.parse_args(argv)
    from hostcity.brain.control.adapters.demo_city import DEMO_PROFILE

    begin_s = DEMO_PROFILE.sim_s(args.begin_h)
    context = multiprocessing.get_context("spawn")
    rows = []
    with TemporaryDirectory(prefix="hostcity-twin-speed-") as tmp:
        for backend in ("libsumo", "traci"):
            with context.Pool(1) as pool:
                rows.append(pool.apply(_run, (backend, tmp, args.controller, begin_s, args.sim_s)))
    header = ("backend", "signals", "sim s", "wall s", "x real time", "peak veh")
    print("{:<8} {:>7} {:>7} {:>7} {:>11} {:>8}".format(*header))
    for row in rows:
        print(
            f"{row['backend']:<8} {row['signals']:>7} {row['sim_s']:>7.0f} {row['wall_s']:>7.1f} "
            f"{row['real_time_factor']:>11.1f} {row['peak_vehicles']:>8}"
        )
    print(json.dumps({"twin_speed": rows}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
