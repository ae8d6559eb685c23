"""Sensor-graph maths: distance-kernel adjacency and its random-walk transition matrices."""

from __future__ import annotations

import numpy as np

from hostcity.brain.forecast.types import FloatArray, SensorGraph


def adjacency(graph: SensorGraph, sensors: int) -> FloatArray:
    """Weighted adjacency (N, N): Gaussian kernel of road distance, as in DCRNN.

    The kernel's width is the distances' standard deviation, but never below the shortest
    distance: links of nearly equal length (sensors evenly spaced along a road) would
    otherwise all weigh exp(-(d / sigma)^2), about 0, and the graph would link nothing. Edges with
    unusable (negative or non-finite) distances get weight 1.
    """
    a = np.zeros((sensors, sensors))
    if graph.edges == 0:
        return a
    dist = np.asarray(graph.distances_m, dtype=np.float64)
    usable = np.isfinite(dist) & (dist >= 0)
    sigma = float(max(dist[usable].std(), dist[usable].min())) if usable.sum() > 1 else 0.0
    if sigma > 0:
        weights = np.where(usable, np.exp(-((np.where(usable, dist, 0.0) / sigma) ** 2)), 1.0)
    else:
        weights = np.ones_like(dist)
    a[list(graph.sources), list(graph.targets)] = weights
    return a


def transitions(a: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Forward and backward random-walk matrices D^-1 A and D^-1 A^T (rows of 0 stay 0)."""

    def walk(m: FloatArray) -> FloatArray:
        rows = m.sum(axis=1, keepdims=True)
        out: FloatArray = np.divide(m, rows, out=np.zeros_like(m), where=rows > 0)
        return out

    return walk(a), walk(a.T)


def neighbours(graph: SensorGraph, sensor: int) -> list[int]:
    """Detectors joined to ``sensor`` by an edge in either direction, sorted."""
    found = {t for s, t in zip(graph.sources, graph.targets, strict=True) if s == sensor}
    found |= {s for s, t in zip(graph.sources, graph.targets, strict=True) if t == sensor}
    found.discard(sensor)
    return sorted(found)
