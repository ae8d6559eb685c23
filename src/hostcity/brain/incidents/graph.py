"""The detector graph: which detectors lie upstream, downstream and beside each other."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

from hostcity.brain.incidents.types import DetectorNode
from hostcity.core.errors import InputError


@dataclass(frozen=True)
class PlacedDetector:
    """A detector on a lane, as the twin places it."""

    detector_id: str
    lane_id: str
    edge_id: str
    lon_lat: tuple[float, float] | None = None
    xy: tuple[float, float] | None = None


def build_graph(
    detectors: Iterable[PlacedDetector],
    lane_links: Mapping[str, Iterable[str]],
    *,
    green_groups: Mapping[str, Hashable] | None = None,
) -> dict[str, DetectorNode]:
    """Link detectors along the road.

    Args:
        detectors: One detector per lane.
        lane_links: For each lane, the lanes it feeds (lane-to-lane connections of the net).
        green_groups: For signalised lanes, a key shared by lanes that get green together
            (their junction and green pattern). With it, peers are the same-edge detectors of
            the same group; without it, same-edge lanes leading to a common road. (Other
            approaches with the same green flow on while a queue here is stuck behind a
            full exit, so they would be poor witnesses.)

    Returns:
        Every detector by id, with upstream (on lanes feeding its lane), downstream (on lanes
        its lane feeds) and neighbours (on the other lanes of its edge).

    Raises:
        InputError: when two detectors claim the same id.
    """
    placed = list(detectors)
    by_lane: dict[str, str] = {}
    by_edge: dict[str, list[str]] = defaultdict(list)
    ids: set[str] = set()
    for det in placed:
        if det.detector_id in ids:
            raise InputError(f"detector id {det.detector_id!r} appears twice in the graph")
        ids.add(det.detector_id)
        by_lane[det.lane_id] = det.detector_id
        by_edge[det.edge_id].append(det.detector_id)
    upstream: dict[str, set[str]] = defaultdict(set)
    downstream: dict[str, set[str]] = defaultdict(set)
    for from_lane, to_lanes in lane_links.items():
        source = by_lane.get(from_lane)
        for to_lane in to_lanes:
            target = by_lane.get(to_lane)
            if source and target and source != target:
                downstream[source].add(target)
                upstream[target].add(source)
    to_edges = {
        lane: {to.rsplit("_", 1)[0] for to in targets} for lane, targets in lane_links.items()
    }
    lane_of = {det.detector_id: det.lane_id for det in placed}

    by_group: dict[Hashable, list[str]] = defaultdict(list)
    for det in placed:
        if green_groups and det.lane_id in green_groups:
            by_group[green_groups[det.lane_id]].append(det.detector_id)

    def peers(det: PlacedDetector) -> tuple[str, ...]:
        if green_groups and det.lane_id in green_groups:
            group = by_group[green_groups[det.lane_id]]
            same_edge = set(by_edge[det.edge_id])
            return tuple(sorted(o for o in group if o != det.detector_id and o in same_edge))
        mine = to_edges.get(det.lane_id, set())
        return tuple(
            sorted(
                other
                for other in by_edge[det.edge_id]
                if other != det.detector_id and mine & to_edges.get(lane_of[other], set())
            )
        )

    return {
        det.detector_id: DetectorNode(
            detector_id=det.detector_id,
            edge_id=det.edge_id,
            lane_id=det.lane_id,
            upstream=tuple(sorted(upstream[det.detector_id])),
            downstream=tuple(sorted(downstream[det.detector_id])),
            neighbours=tuple(sorted(set(by_edge[det.edge_id]) - {det.detector_id})),
            peers=peers(det),
            lon_lat=det.lon_lat,
            xy=det.xy,
        )
        for det in placed
    }
