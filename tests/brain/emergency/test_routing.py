"""Snapping calls to roads, live travel times and fastest routes, without SUMO."""

from __future__ import annotations

import math

import pytest

from hostcity.brain.emergency.calls import CallLocation, locate
from hostcity.brain.emergency.errors import EmergencyInputError, OutsideNetworkError
from hostcity.brain.emergency.routing import (
    RoadEdge,
    RoadGraph,
    Spot,
    connected_core,
    fastest_route,
    live_time_s,
    remaining_s,
    smooth_speed,
    snap,
)
from tests.brain.emergency.roads import grid_graph, picture


def test_a_point_beside_a_road_snaps_onto_it() -> None:
    graph = grid_graph()
    spot = snap(graph, 30.0, 104.0)
    assert spot.edge_id in {"n01-n11", "n11-n01"}
    assert spot.y == pytest.approx(100.0)
    assert spot.distance_m == pytest.approx(4.0)
    expected = 30.0 if spot.edge_id == "n01-n11" else 70.0
    assert spot.pos_m == pytest.approx(expected)


@pytest.mark.parametrize(
    ("x", "y"),
    [pytest.param(500.0, 500.0, id="far-corner"), pytest.param(-200.0, 50.0, id="west")],
)
def test_a_call_outside_the_network_is_refused_with_the_span(x: float, y: float) -> None:
    with pytest.raises(OutsideNetworkError) as caught:
        snap(grid_graph(), x, y)
    assert "outside the network" in caught.value.message
    assert caught.value.hint is not None and "x 0..200" in caught.value.hint


def test_locations_by_edge_and_lon_lat() -> None:
    pic = picture(grid_graph())
    spot = locate(pic, CallLocation(edge_id="n00-n10"))
    assert (spot.edge_id, spot.pos_m, spot.x, spot.y) == ("n00-n10", 50.0, 50.0, 0.0)
    with pytest.raises(OutsideNetworkError, match="not a road"):
        locate(pic, CallLocation(edge_id="nope"))
    with pytest.raises(EmergencyInputError, match="no geo-reference"):
        locate(pic, CallLocation(lon=13.4, lat=52.5))
    with pytest.raises(EmergencyInputError, match="needs a location"):
        locate(pic, CallLocation(x=1.0))


def test_fastest_route_avoids_a_jammed_edge() -> None:
    graph = grid_graph()
    origin = Spot("n00-n01", 50.0, 0.0, 50.0)
    goal = Spot("n11-n21", 50.0, 150.0, 100.0)
    free = fastest_route(graph, graph.free_flow_s(), origin, goal)
    assert free is not None
    assert free.edges == ("n00-n01", "n01-n11", "n11-n21")
    assert free.eta_s == pytest.approx(5.0 + 10.0 + 5.0)
    jammed = {**graph.free_flow_s(), "n01-n11": 500.0}
    around = fastest_route(graph, jammed, origin, goal)
    assert around is not None
    assert "n01-n11" not in around.edges
    assert around.eta_s > free.eta_s
    assert around.eta_s < 500.0


def test_a_goal_behind_on_the_same_edge_needs_a_loop() -> None:
    graph = grid_graph()
    ahead = fastest_route(
        graph, graph.free_flow_s(), Spot("n00-n10", 20.0, 20, 0), Spot("n00-n10", 80.0, 80, 0)
    )
    assert ahead is not None and ahead.edges == ("n00-n10",)
    assert ahead.eta_s == pytest.approx(6.0)
    behind = fastest_route(
        graph, graph.free_flow_s(), Spot("n00-n10", 80.0, 80, 0), Spot("n00-n10", 20.0, 20, 0)
    )
    assert behind is not None
    assert behind.edges[0] == behind.edges[-1] == "n00-n10"
    assert len(behind.edges) == 5  # round the block: 4 edges back to n00, then onto the edge
    assert behind.eta_s == pytest.approx(2.0 + 30.0 + 2.0)


def _with_island() -> RoadGraph:
    """The grid plus an edge nothing leads into, which leads back into the grid."""
    graph = grid_graph()
    island = RoadEdge("island", 100.0, 10.0, ((0.0, -100.0), (0.0, 0.0)), ("n00-n10",))
    return RoadGraph.build([*graph.edges.values(), island])


def test_no_route_into_an_edge_nothing_leads_to() -> None:
    graph = _with_island()
    into = fastest_route(
        graph, graph.free_flow_s(), Spot("n00-n10", 0, 0, 0), Spot("island", 50, 0, -50)
    )
    assert into is None
    out = fastest_route(
        graph, graph.free_flow_s(), Spot("island", 50, 0, -50), Spot("n00-n10", 50, 50, 0)
    )
    assert out is not None and out.edges == ("island", "n00-n10")


def test_live_time_and_smoothing() -> None:
    edge = grid_graph().edges["n00-n10"]
    assert live_time_s(edge, 10.0) == pytest.approx(10.0)
    assert live_time_s(edge, 30.0) == pytest.approx(10.0)  # never faster than the limit
    assert live_time_s(edge, 0.0) == pytest.approx(100.0)  # a stopped car does not cut the road
    half = smooth_speed(10.0, 0.0, 60.0 * math.log(2))
    assert half == pytest.approx(5.0)
    assert smooth_speed(10.0, 0.0, 0.0) == 10.0


def test_remaining_time_along_a_route() -> None:
    graph = grid_graph()
    travel = graph.free_flow_s()
    route = ("n00-n01", "n01-n11", "n11-n21")
    assert remaining_s(graph, travel, route, index=0, pos_m=50, arrival_pos_m=50) == 20.0
    assert remaining_s(graph, travel, route, index=2, pos_m=20, arrival_pos_m=50) == 3.0
    assert remaining_s(graph, travel, route, index=2, pos_m=60, arrival_pos_m=50) == 0.0


def test_connected_core_drops_an_edge_nothing_leads_to() -> None:
    graph = _with_island()
    assert connected_core(graph) == set(graph.edges) - {"island"}
    assert graph.core == connected_core(graph)
    # a click on the island snaps to the nearest road every unit can reach
    assert snap(graph, 0.0, -90.0, max_m=100.0).edge_id in {"n00-n10", "n10-n00", "n00-n01"}
