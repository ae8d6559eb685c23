"""The twin's detectors on a SUMO network, linked into the incident detector's graph."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hostcity.brain.incidents.graph import PlacedDetector, build_graph
from hostcity.brain.incidents.live import graph_from_lanes
from hostcity.brain.incidents.types import DetectorNode
from hostcity.brain.twin.detectors import place_detectors
from hostcity.brain.twin.types import DetectorSpec
from hostcity.core.errors import HostCityError, InputError

log = logging.getLogger(__name__)


def twin_detectors(net_file: Path) -> tuple[list[DetectorSpec], dict[str, DetectorNode]]:
    """The loops the twin places on ``net_file``, and their graph.

    Raises:
        InputError: when the file is missing or not a SUMO network.
    """
    from hostcity.brain.twin.adapters.sumo_net import read_network

    _geometry, approaches = read_network(net_file)
    specs = place_detectors(approaches)
    return specs, detector_graph(net_file, specs)


def detector_graph(net_file: Path, specs: Sequence[DetectorSpec]) -> dict[str, DetectorNode]:
    """The graph of loops ``specs`` on ``net_file``: upstream, downstream, peers by green.

    Raises:
        InputError: when the file is missing or not a SUMO network, or a loop's lane is not
            in it.
    """
    import sumolib

    from hostcity.brain.twin.adapters.sumo_net import _load

    _load(net_file)  # the twin's checks and error messages
    net: Any = sumolib.net.readNet(str(net_file), withPrograms=True)
    placed: list[PlacedDetector] = []
    for spec in specs:
        try:
            lane = net.getLane(spec.lane_id)
        except (KeyError, IndexError, ValueError):
            raise InputError(
                f"detector {spec.detector_id!r} is on lane {spec.lane_id!r}, "
                f"which network {net_file} does not have",
                hint="place the detectors on the network the twin runs",
            ) from None
        x, y = sumolib.geomhelper.positionAtShapeOffset(lane.getShape(), spec.pos_m)
        placed.append(
            PlacedDetector(spec.detector_id, spec.lane_id, spec.edge_id, spec.lon_lat, (x, y))
        )
    lane_links: dict[str, list[str]] = {}
    for edge in net.getEdges():
        for lane in edge.getLanes():
            lane_links[str(lane.getID())] = [str(c.getToLane().getID()) for c in lane.getOutgoing()]
    return build_graph(placed, lane_links, green_groups=green_groups(net))


def live_graph(specs: Sequence[DetectorSpec], net_file: Path | None) -> dict[str, DetectorNode]:
    """The live detection's graph of the twin's loops, linked as the evaluation links them.

    With the network file the loops get their upstream and downstream neighbours and their
    green peers (``detector_graph``); without one (real sensors), or when the file cannot be
    read, only the same-edge neighbours (``graph_from_lanes``).
    """
    lanes = {spec.detector_id: (spec.edge_id, spec.lane_id) for spec in specs}
    if net_file is None:
        return graph_from_lanes(lanes)
    try:
        return detector_graph(net_file, specs)
    except HostCityError as exc:  # detection on a thinner graph beats no detection at all
        log.warning("live incident detection uses same-edge neighbours only: %s", exc)
        return graph_from_lanes(lanes)


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
