"""The built-in demo city: a real OSM district shipped with eclipse-sumo, with a day of demand."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from pathlib import Path

from hostcity.brain.control.adapters.sumo_tools import binary, run_tool, sumo_home
from hostcity.brain.control.demand import DemandProfile, Trip, make_day_trips
from hostcity.brain.control.errors import ScenarioError
from hostcity.brain.control.scenario import Scenario

DEMO_NET = Path("tools") / "game" / "DRT" / "osm.net.xml"
DEMO_PROFILE = DemandProfile()
DEMO_BEGIN_H = 6.0
DEMO_END_H = 24.0
FRINGE_WEIGHT = 8.0
VENUE_EDGES = 2


def demo_net_file() -> Path:
    """The demo network inside the installed eclipse-sumo package.

    Raises:
        ScenarioError: when the installed SUMO lacks it.
    """
    path = sumo_home() / DEMO_NET
    if not path.is_file():
        raise ScenarioError(
            f"the demo network {path} is missing from the eclipse-sumo package",
            hint="reinstall eclipse-sumo==1.28.0",
        )
    return path


def _candidate_edges(net_file: Path) -> tuple[list[str], list[float], list[str]]:
    """Edges cars may use, their weights (fringe edges favoured), and the venue edges."""
    import sumolib

    net = sumolib.net.readNet(str(net_file))
    edges: list[str] = []
    weights: list[float] = []
    scored: list[tuple[float, str]] = []
    (xmin, ymin), (xmax, ymax) = net.getBBoxXY()
    centre = ((xmin + xmax) / 2, (ymin + ymax) / 2)
    usable = [e for e in net.getEdges() if not e.getFunction() and e.allows("passenger")]
    if not usable:
        raise ScenarioError(f"{net_file}: no edge is open to cars")
    # keep the strongly connected core so every trip can be routed both ways
    core: set[object] = set()
    for hub in usable[:: max(1, len(usable) // 5)]:
        reach = net.getReachable(hub, "passenger") & net.getReachable(hub, "passenger", True)
        if len(reach) > len(core):
            core = reach
    for edge in usable:
        if edge not in core or edge.getLength() < 50:
            continue
        edges.append(edge.getID())
        weights.append(FRINGE_WEIGHT if edge.is_fringe() else 1.0)
        if edge.getLaneNumber() >= 2:
            x, y = edge.getShape()[0]
            scored.append((math.dist((x, y), centre), edge.getID()))
    venues = [edge_id for _d, edge_id in sorted(scored)[:VENUE_EDGES]] or edges[:1]
    return edges, weights, venues


def write_trips(trips: list[Trip], path: Path) -> Path:
    """Write ``trips`` as a SUMO trip file."""
    root = ET.Element("routes")
    ET.SubElement(root, "vType", id="car", vClass="passenger", speedDev="0.1")
    for trip in trips:
        ET.SubElement(
            root,
            "trip",
            id=trip.id,
            type="car",
            depart=f"{trip.depart_s:.1f}",
            attrib={"from": trip.from_edge, "to": trip.to_edge},
            departLane="best",
            departSpeed="max",
        )
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
    return path


def build_demo_city(workdir: Path, *, seed: int = 42) -> Scenario:
    """The demo city scenario: network from the SUMO package, routes generated once per seed.

    The day is time-compressed by ``DEMO_PROFILE.time_compression`` (4: one simulated second
    stands for four clock seconds, so 06:00-24:00 lasts 4.5 simulated hours); flows per
    simulated hour equal those of the clock hour they stand for. Event peaks come from two
    venue sessions (14:00-16:30 and 19:00-21:30).
    """
    net_file = demo_net_file()
    routes = workdir / f"demo.seed{seed}.rou.xml"
    if not routes.is_file():
        edges, weights, venues = _candidate_edges(net_file)
        trips = make_day_trips(
            edges, weights, venues, DEMO_PROFILE, seed=seed, begin_h=DEMO_BEGIN_H, end_h=DEMO_END_H
        )
        trips_file = write_trips(trips, workdir / f"demo.seed{seed}.trips.xml")
        partial = routes.with_suffix(".part.xml")
        args = [
            binary("duarouter"),
            "--net-file", str(net_file),
            "--route-files", str(trips_file),
            "--output-file", str(partial),
            "--ignore-errors",
            "--no-warnings",
            "--no-step-log",
            "--repair",
            "--remove-loops",
            "--seed", str(seed),
        ]  # fmt: skip
        run_tool(args, what="routing the demo city's demand", blame=trips_file)
        partial.replace(routes)
        for leftover in workdir.glob(f"demo.seed{seed}.rou.part*"):
            leftover.unlink()
    return Scenario(
        "demo",
        net_file,
        (routes,),
        (),
        DEMO_PROFILE.sim_s(DEMO_BEGIN_H),
        DEMO_PROFILE.sim_s(DEMO_END_H),
        DEMO_PROFILE.time_compression,
    )
