"""Reads the roads emergency vehicles may use from a SUMO network file, with sumolib."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from hostcity.brain.emergency.calls import RoadPicture, ToXY
from hostcity.brain.emergency.errors import EmergencyInputError
from hostcity.brain.emergency.routing import RoadEdge, RoadGraph

if TYPE_CHECKING:
    from hostcity.core.settings import Settings

VCLASS = "emergency"


def read_roads(net_file: Path) -> tuple[RoadGraph, ToXY | None]:
    """The road graph of ``net_file`` and, for a geo-referenced network, lon/lat to x/y.

    Raises:
        EmergencyInputError: when the file cannot be read as a SUMO network.
    """
    import sumolib

    try:
        net = sumolib.net.readNet(str(net_file), withInternal=False)
    except Exception as exc:  # sumolib raises SAX and plain errors alike for a broken file
        raise EmergencyInputError(
            f"cannot read SUMO network {net_file}: {exc}",
            hint="pass a .net.xml written by netconvert or netgenerate",
        ) from exc
    edges = [_road(edge) for edge in net.getEdges() if _usable(edge)]
    graph = RoadGraph.build(edges)
    if not net.hasGeoProj():
        return graph, None

    def to_xy(lon: float, lat: float) -> tuple[float, float]:
        x, y = net.convertLonLat2XY(lon, lat)
        return float(x), float(y)

    return graph, to_xy


def scenario_picture(settings: Settings) -> RoadPicture:
    """The roads of ``settings.brain.scenario`` at free flow, without running the twin.

    Places stations when no live twin runs (the CLI, or a server with the twin off).

    Raises:
        ScenarioError: for a scenario that cannot be loaded.
        EmergencyInputError: when its network cannot be read.
    """
    from hostcity.brain.control.scenario import load_scenario
    from hostcity.brain.control.service import workdir

    brain = settings.brain
    scenario = load_scenario(brain.scenario, workdir(settings), seed=brain.seed, check=False)
    graph, to_xy = read_roads(scenario.net_file)
    return RoadPicture(graph, graph.free_flow_s(), 0.0, to_xy)


def _usable(edge: Any) -> bool:
    return not edge.getFunction() and bool(edge.allows(VCLASS))


def _road(edge: Any) -> RoadEdge:
    successors = [
        str(target.getID())
        for target, connections in edge.getOutgoing().items()
        if any(c.getFromLane().allows(VCLASS) and c.getToLane().allows(VCLASS) for c in connections)
    ]
    return RoadEdge(
        edge_id=str(edge.getID()),
        length_m=float(edge.getLength()),
        speed_limit_mps=float(edge.getSpeed()),
        shape=tuple((float(x), float(y)) for x, y, *_ in edge.getShape()),
        successors=tuple(sorted(successors)),
    )
