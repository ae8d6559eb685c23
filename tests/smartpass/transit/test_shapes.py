"""Rides drawn along GTFS shapes: cutting a shape between stops, thinning it for a map."""

from __future__ import annotations

from hostcity.smartpass.transit.shapes import cut, thin
from tests.smartpass.transit.builders import SLOW_SHAPE


def test_cut_runs_from_the_boarding_stop_to_the_alighting_one_along_the_shape() -> None:
    board, alight = (52.4301, 13.5150), (52.4299, 13.5450)  # B and D, a few metres off
    path = cut(SLOW_SHAPE, board, alight)
    assert path[0] == list(board) and path[-1] == list(alight)
    assert path[1:-1] == [list(p) for p in SLOW_SHAPE[2:]]


def test_a_shape_that_does_not_fit_the_ride_is_not_cut() -> None:
    board, alight = SLOW_SHAPE[-1], SLOW_SHAPE[0]  # against the shape's direction
    assert cut(SLOW_SHAPE, board, alight) is None
    assert cut(SLOW_SHAPE[:1], board, alight) is None


def test_thin_drops_points_closer_than_the_spacing_and_keeps_the_ends() -> None:
    dense = [(52.43, 13.5 + i * 0.00001) for i in range(101)]  # 101 points 0.68 m apart
    thinned = thin(dense, min_m=10.0)
    assert thinned[0] == [52.43, 13.5] and thinned[-1] == [52.43, 13.501]
    assert 6 <= len(thinned) <= 9
    assert thin(SLOW_SHAPE) == [list(p) for p in SLOW_SHAPE]  # 500 m apart: all kept
