"""Demo units: ambulances, a fire engine and police cars at stations spread over the network."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hostcity.brain.emergency.routing import RoadGraph, point_at
from hostcity.brain.emergency.units import Unit, spread_stations

if TYPE_CHECKING:
    from hostcity.core.platform import Platform

DEMO_UNITS = (
    ("amb-1", "ambulance", "Ambulance 1"),
    ("fire-1", "fire", "Fire engine 1"),
    ("pol-1", "police", "Police car 1"),
    ("amb-2", "ambulance", "Ambulance 2"),
    ("pol-2", "police", "Police car 2"),
)
MIN_STATION_EDGE_M = 40.0


def demo_units(graph: RoadGraph) -> list[Unit]:
    """One unit per station, stations spread over the part of ``graph`` joined both ways.

    Raises:
        EmergencyInputError: when the network is too small for the stations.
    """
    candidates = []
    for edge_id in sorted(graph.core):
        edge = graph.edges[edge_id]
        if edge.length_m >= MIN_STATION_EDGE_M:
            x, y = point_at(edge, edge.length_m / 2)
            candidates.append((edge_id, x, y))
    stations = spread_stations(candidates, len(DEMO_UNITS))
    units = []
    for (unit_id, kind, name), (edge_id, x, y) in zip(DEMO_UNITS, stations, strict=True):
        length_m = graph.edges[edge_id].length_m
        units.append(Unit(unit_id, kind, name, edge_id, length_m / 2, (x, y)))
    return units


def seed_demo_units(platform: Platform) -> list[str]:
    """Store the demo units on the twin's scenario network; existing units keep their status."""
    from hostcity.brain.control.scenario import load_scenario
    from hostcity.brain.control.service import workdir
    from hostcity.brain.emergency.adapters.roads import read_roads
    from hostcity.brain.emergency.setup import SERVICE

    settings = platform.settings
    scenario = load_scenario(
        settings.brain.scenario, workdir(settings), seed=settings.brain.seed, check=False
    )
    graph, _to_xy = read_roads(scenario.net_file)
    service = platform.service(SERVICE)
    units = demo_units(graph)
    added = sum(service.add_unit(unit) for unit in units)
    names = ", ".join(u.unit_id for u in units)
    return [
        f"City Brain emergency: {len(units)} units ({names}; {added} new) at stations spread "
        "over the network; dispatch on the Emergency tab or 'hostcity brain dispatch'"
    ]
