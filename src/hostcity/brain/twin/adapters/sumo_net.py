"""Reads a SUMO network with sumolib: geometry for the map and the signalised approaches."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hostcity.brain.twin.types import Approach, EdgeGeometry, JunctionGeometry, NetworkGeometry
from hostcity.core.errors import InputError


def _load(net_file: Path) -> Any:
    import sumolib

    if not net_file.is_file():
        raise InputError(
            f"network file {net_file} does not exist", hint="check the scenario's net file path"
        )
    try:
        return sumolib.net.readNet(str(net_file), withInternal=False)
    except Exception as exc:  # sumolib raises SAX and plain errors alike for a broken file
        raise InputError(
            f"cannot read SUMO network {net_file}: {exc}",
            hint="pass a .net.xml written by netconvert or netgenerate",
        ) from exc


def read_network(net_file: Path) -> tuple[NetworkGeometry, list[Approach]]:
    """The drawable network and every incoming lane of every traffic light.

    Raises:
        InputError: when the file is missing or not a SUMO network.
    """
    net = _load(net_file)
    geo = bool(net.hasGeoProj())
    node_tls: dict[str, str] = {}
    approaches: list[Approach] = []
    seen: set[tuple[str, str]] = set()
    for tls in net.getTrafficLights():
        tls_id = str(tls.getID())
        for connection in tls.getConnections():
            lane = connection[0]
            edge = lane.getEdge()
            node_tls.setdefault(str(edge.getToNode().getID()), tls_id)
            key = (tls_id, str(lane.getID()))
            if key in seen:
                continue
            seen.add(key)
            x, y = lane.getShape()[-1]
            approaches.append(
                Approach(
                    tls_id=tls_id,
                    lane_id=str(lane.getID()),
                    edge_id=str(edge.getID()),
                    lane_index=int(lane.getIndex()),
                    length_m=float(lane.getLength()),
                    end_lon_lat=tuple(net.convertXY2LonLat(x, y)) if geo else None,
                )
            )
    edges = [
        EdgeGeometry(
            edge_id=str(edge.getID()),
            from_node=str(edge.getFromNode().getID()),
            to_node=str(edge.getToNode().getID()),
            lanes=int(edge.getLaneNumber()),
            speed_limit_mps=float(edge.getSpeed()),
            shape=[(float(x), float(y)) for x, y, *_ in edge.getShape()],
            name=str(edge.getName() or ""),
        )
        for edge in net.getEdges()
        if edge.allows("passenger")
    ]
    drawn = {e.from_node for e in edges} | {e.to_node for e in edges} | set(node_tls)
    junctions = [
        JunctionGeometry(
            junction_id=str(node.getID()),
            x=float(node.getCoord()[0]),
            y=float(node.getCoord()[1]),
            tls_id=node_tls.get(str(node.getID())),
        )
        for node in net.getNodes()
        if str(node.getID()) in drawn
    ]
    geometry = NetworkGeometry(
        edges=edges,
        junctions=junctions,
        tls_ids=sorted({a.tls_id for a in approaches}),
        bounds=_bounds(edges, junctions) or (0.0, 0.0, 0.0, 0.0),
        geo_referenced=geo,
    )
    return geometry, approaches


def _bounds(
    edges: list[EdgeGeometry], junctions: list[JunctionGeometry]
) -> tuple[float, float, float, float] | None:
    """The box around what the map draws (the network's own box can include unused land)."""
    xs = [x for e in edges for x, _ in e.shape] + [j.x for j in junctions]
    ys = [y for e in edges for _, y in e.shape] + [j.y for j in junctions]
    if not xs:
        return None
    return min(xs), min(ys), max(xs), max(ys)
