"""The twin's detectors on a SUMO network, linked into the incident detector's graph."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hostcity.brain.incidents.graph import PlacedDetector, build_graph
from hostcity.brain.incidents.types import DetectorNode
from hostcity.brain.twin.detectors import place_detectors
from hostcity.brain.twin.types import DetectorSpec


def twin_detectors(net_file: Path) -> tuple[list[DetectorSpec], dict[str, DetectorNode]]:
    """The loops the twin places on ``net_file``, and their graph.

    Raises:
        InputError: when the file is missing or not a SUMO network.
    """
    import sumolib

    from hostcity.brain.twin.adapters.sumo_net import _load, read_network

    _geometry, approaches = read_network(net_file)
    specs = place_detectors(approaches)
    _load(net_file)  # the twin's checks and error messages
    net: Any = sumolib.net.readNet(str(net_file), withPrograms=True)
    lane_links: dict[str, list[str]] = {}
    placed: list[PlacedDetector] = []
    for spec in specs:
        lane = net.getLane(spec.lane_id)
        x, y = sumolib.geomhelper.positionAtShapeOffset(lane.getShape(), spec.pos_m)
        placed.append(
            PlacedDetector(spec.detector_id, spec.lane_id, spec.edge_id, spec.lon_lat, (x, y))
        )
    for edge in net.getEdges():
        for lane in edge.getLanes():
            lane_links[str(lane.getID())] = [str(c.getToLane().getID()) for c in lane.getOutgoing()]
    return specs, build_graph(placed, lane_links, green_groups=green_groups(net))


def green_groups(net: Any) -> dict[str, tuple[str, tuple[bool, ...]]]:
    """For each signalised incoming lane: its junction and in which phases it has green."""
    groups: dict[str, tuple[str, tuple[bool, ...]]] = {}
    for tls in net.getTrafficLights():
        programs = list(tls.getPrograms().values())
        if not programs:
            continue
        states = [phase.state for phase in programs[0].getPhases()]
        lane_green: dict[str, list[bool]] = {}
        for in_lane, _out_lane, index in tls.getConnections():
            greens = [index < len(state) and state[index] in "Gg" for state in states]
            seen = lane_green.setdefault(str(in_lane.getID()), [False] * len(states))
            lane_green[str(in_lane.getID())] = [a or b for a, b in zip(seen, greens, strict=True)]
        for lane, greens in lane_green.items():
            groups.setdefault(lane, (str(tls.getID()), tuple(greens)))
    return groups
