"""Walking along a SUMO street network (read with sumolib), shortest paths with scipy."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from hostcity.core.errors import DependencyError, InputError
from hostcity.smartpass.transit.walking import FloatArray, crow_m

# a point farther than this from every junction is off the network: walk straight instead
MAX_SNAP_M = 300.0


def demo_net_path() -> Path:
    """The demo city's network shipped in the eclipse-sumo package (the twin's demo scenario).

    Raises:
        DependencyError: when eclipse-sumo is not installed.
    """
    import importlib.util

    spec = importlib.util.find_spec("sumo")
    if spec is None or not spec.submodule_search_locations:
        raise DependencyError(
            "the eclipse-sumo package is missing", hint="pip install eclipse-sumo==1.28.0"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "tools/game/DRT/osm.net.xml"
    if not path.is_file():
        raise DependencyError(
            f"the demo network {path} is missing", hint="reinstall eclipse-sumo==1.28.0"
        )
    return path


class StreetWalk:
    """Walking distances along the streets of a SUMO network, both ways on every street.

    Points are snapped to the nearest junction; the snap distance is walked straight (times
    ``detour_factor``). Points off the network fall back to straight line times detour.

    Args:
        net_path: A SUMO ``.net.xml`` with a geo projection.
        detour_factor: For the straight parts (snaps and off-network points).
    """

    name = "street-network"

    def __init__(self, net_path: Path, detour_factor: float = 1.3) -> None:
        import sumolib

        if not net_path.is_file():
            raise InputError(
                f"street network {net_path} does not exist",
                hint="pass the path of a SUMO .net.xml file",
            )
        try:
            net = sumolib.net.readNet(str(net_path))
        except Exception as exc:  # sumolib raises plain exceptions on malformed XML
            raise InputError(
                f"cannot read street network {net_path}: {exc}",
                hint="pass a SUMO .net.xml made by netconvert",
            ) from exc
        if not net.hasGeoProj():
            raise InputError(
                f"street network {net_path} has no geo projection",
                hint="build it from OSM with netconvert so it has lat/lon",
            )
        self.detour_factor = detour_factor
        nodes = net.getNodes()
        index = {node.getID(): i for i, node in enumerate(nodes)}
        xy = np.array([node.getCoord()[:2] for node in nodes], dtype=np.float64)
        lonlat = np.array([net.convertXY2LonLat(x, y) for x, y in xy], dtype=np.float64)
        self.lons, self.lats = lonlat[:, 0], lonlat[:, 1]
        rows, cols, lengths = [], [], []
        self._shapes: dict[tuple[int, int], list[tuple[float, ...]]] = {}
        for edge in net.getEdges(withInternal=False):
            if not edge.allows("pedestrian"):
                continue
            a, b = index[edge.getFromNode().getID()], index[edge.getToNode().getID()]
            self._shapes.setdefault((min(a, b), max(a, b)), edge.getShape())
            rows += [a, b]
            cols += [b, a]
            # lane lengths stop at junction borders; the walk also crosses the junctions
            span = float(np.hypot(*(xy[a] - xy[b])))
            lengths += [max(edge.getLength(), span)] * 2
        n = len(nodes)
        self.graph = csr_matrix((lengths, (rows, cols)), shape=(n, n))
        self._convert = net.convertXY2LonLat
        self._scale = np.cos(np.radians(float(self.lats.mean())))
        self.tree = cKDTree(self._local(self.lats, self.lons))

    def _local(self, lats: FloatArray, lons: FloatArray) -> FloatArray:
        return np.column_stack(
            [np.radians(lons) * 6_371_000.0 * self._scale, np.radians(lats) * 6_371_000.0]
        )

    def _snap(self, lats: FloatArray, lons: FloatArray) -> tuple[FloatArray, np.ndarray]:
        dist, node = self.tree.query(self._local(lats, lons))
        return np.asarray(dist, dtype=np.float64), np.asarray(node)

    def walk_m(
        self, lat: float, lon: float, lats: FloatArray, lons: FloatArray, max_m: float
    ) -> FloatArray:
        """Walking distance along streets to each point; ``inf`` beyond ``max_m``."""
        straight = crow_m(lat, lon, lats, lons) * self.detour_factor
        if lats.size == 0:
            return straight
        snap0, node0 = self._snap(np.array([lat]), np.array([lon]))
        snaps, nodes = self._snap(lats, lons)
        if snap0[0] > MAX_SNAP_M:
            result = straight
        else:
            along = dijkstra(self.graph, directed=True, indices=int(node0[0]), limit=max_m)
            result = snap0[0] * self.detour_factor + along[nodes] + snaps * self.detour_factor
            result = np.where(snaps > MAX_SNAP_M, straight, result)
        result = np.asarray(result, dtype=np.float64)
        result[result > max_m] = np.inf
        return result

    def street_lines(self) -> list[list[list[float]]]:
        """Every walkable street once (not once per direction), as [lat, lon] points."""
        lines = []
        for shape in self._shapes.values():
            points = [self._convert(point[0], point[1]) for point in shape]
            lines.append([[round(lat, 6), round(lon, 6)] for lon, lat in points])
        return lines

    def path(self, start: tuple[float, float], end: tuple[float, float]) -> list[list[float]]:
        """[lat, lon] points of the walk from ``start`` to ``end`` along the streets."""
        snaps, nodes = self._snap(np.array([start[0], end[0]]), np.array([start[1], end[1]]))
        if max(snaps) > MAX_SNAP_M or nodes[0] == nodes[1]:
            return [list(start), list(end)]
        _, previous = dijkstra(
            self.graph, directed=True, indices=int(nodes[0]), return_predecessors=True
        )
        chain = [int(nodes[1])]
        while chain[-1] != int(nodes[0]):
            before = int(previous[chain[-1]])
            if before < 0:
                return [list(start), list(end)]
            chain.append(before)
        chain.reverse()
        return [
            list(start),
            *([float(self.lats[n]), float(self.lons[n])] for n in chain),
            list(end),
        ]
