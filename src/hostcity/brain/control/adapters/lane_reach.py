"""Lane reaches: a junction's short lanes extended up- or downstream so queues are seen whole."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hostcity.brain.control.junction import LaneState

APPROACH_M = 100.0  # look this far upstream of a stop line when the lane itself is shorter
EXIT_M = 50.0  # an outgoing lane shorter than this is judged with the lanes after it


@dataclass(frozen=True)
class Reach:
    """Lanes observed as one: each with the distance from its end to the reach's reference point.

    For an incoming lane the reference is the stop line; for an outgoing lane its start.
    """

    lanes: tuple[tuple[str, float], ...]
    length_m: float


class LaneTopology:
    """Which lanes feed which, read once from a running simulation."""

    def __init__(self, sumo: Any) -> None:
        self._sumo = sumo
        self._incoming: dict[str, list[str]] | None = None
        self._length: dict[str, float] = {}

    def length_m(self, lane: str) -> float:
        """Length of ``lane``."""
        if lane not in self._length:
            self._length[lane] = float(self._sumo.lane.getLength(lane))
        return self._length[lane]

    def _feeders(self, lane: str) -> list[str]:
        if self._incoming is None:
            incoming: dict[str, list[str]] = {}
            for source in self._sumo.lane.getIDList():
                if source.startswith(":"):
                    continue
                for link in self._sumo.lane.getLinks(source):
                    incoming.setdefault(link[0], []).append(source)
            self._incoming = incoming
        return self._incoming.get(lane, [])

    def upstream(self, lane: str, range_m: float = APPROACH_M) -> Reach:
        """``lane`` plus the lanes feeding it, until ``range_m`` before the stop line."""
        found: dict[str, float] = {lane: 0.0}
        frontier = [(lane, self.length_m(lane))]
        while frontier:
            current, offset = frontier.pop()
            if offset >= range_m:
                continue
            for feeder in self._feeders(current):
                if feeder not in found:
                    found[feeder] = offset
                    frontier.append((feeder, offset + self.length_m(feeder)))
        return Reach(tuple(found.items()), max(self.length_m(lane), range_m))

    def downstream(self, lane: str, range_m: float = EXIT_M) -> Reach:
        """``lane`` plus the lanes after it while the total is shorter than ``range_m``."""
        found: dict[str, float] = {lane: 0.0}
        length = self.length_m(lane)
        current = lane
        while length < range_m:
            nexts = [link[0] for link in self._sumo.lane.getLinks(current) if link[0] not in found]
            if not nexts:
                break
            current = nexts[0]  # the straight-on lane comes first for most junctions
            found[current] = length
            length += self.length_m(current)
        return Reach(tuple(found.items()), length)


def observe_reach(sumo: Any, reach: Reach, near_m: float | None) -> LaneState:
    """Standing cars, all cars, and (when ``near_m`` is given) cars within it of the stop line."""
    lane_api = sumo.lane
    queue = count = 0.0
    near = -1.0 if near_m is None else 0.0
    for lane, offset_m in reach.lanes:
        on_lane = float(lane_api.getLastStepVehicleNumber(lane))
        if on_lane == 0:
            continue
        queue += float(lane_api.getLastStepHaltingNumber(lane))
        count += on_lane
        if near_m is None or offset_m >= near_m:
            continue
        length = float(lane_api.getLength(lane))
        if length + offset_m <= near_m:
            near += on_lane
        else:
            start_m = length + offset_m - near_m
            position = sumo.vehicle.getLanePosition
            near += sum(1 for v in lane_api.getLastStepVehicleIDs(lane) if position(v) >= start_m)
    return LaneState(queue, count, near)
