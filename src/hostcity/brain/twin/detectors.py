"""Where the twin's induction loops go (one per signalised approach lane), and what they read."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from hostcity.brain.twin.types import Approach, DetectorReading, DetectorSpec
from hostcity.core.errors import InputError

DEFAULT_SETBACK_M = 10.0
"""How far before the stop line a loop sits: close enough to see the queue's discharge."""

_UNSAFE = re.compile(r"[^A-Za-z0-9_.#-]+")


def detector_id_for(lane_id: str) -> str:
    """A stable detector id for a lane, safe in URNs and URLs."""
    return "twin-e1-" + _UNSAFE.sub("_", lane_id)


def place_detectors(
    approaches: Iterable[Approach], *, setback_m: float = DEFAULT_SETBACK_M
) -> list[DetectorSpec]:
    """One loop per approach lane, ``setback_m`` before the stop line (mid-lane if shorter).

    A lane feeding two signalised junctions' clusters gets one loop, owned by the first.

    Raises:
        InputError: for a negative setback.
    """
    if setback_m < 0:
        raise InputError(f"detector setback must be >= 0 m, got {setback_m}")
    specs: dict[str, DetectorSpec] = {}
    for approach in approaches:
        if approach.lane_id in specs:
            continue
        length = max(approach.length_m, 0.1)
        pos = length - setback_m if length > 2 * setback_m else length / 2
        specs[approach.lane_id] = DetectorSpec(
            detector_id=detector_id_for(approach.lane_id),
            tls_id=approach.tls_id,
            lane_id=approach.lane_id,
            edge_id=approach.edge_id,
            lane_index=approach.lane_index,
            pos_m=round(pos, 2),
            lon_lat=approach.end_lon_lat,
        )
    return sorted(specs.values(), key=lambda s: (s.tls_id, s.lane_id))


def detectors_xml(specs: Iterable[DetectorSpec], *, period_s: float) -> str:
    """A SUMO additional file declaring the loops, aggregated every ``period_s`` seconds.

    Raises:
        InputError: for a period that is not positive.
    """
    if period_s <= 0:
        raise InputError(f"detector interval must be > 0 s, got {period_s}")
    root = ET.Element("additional")
    for spec in specs:
        ET.SubElement(
            root,
            "inductionLoop",
            {
                "id": spec.detector_id,
                "lane": spec.lane_id,
                "pos": f"{spec.pos_m:.2f}",
                "period": f"{period_s:g}",
                "file": "NUL",
                "friendlyPos": "true",
            },
        )
    ET.indent(root)
    return ET.tostring(root, encoding="unicode") + "\n"


SignalLink = tuple[str, int]
"""A signal link: the traffic light and the index of the link in its state string."""


def lane_signal_links(
    controlled: Mapping[str, Sequence[Sequence[Sequence[str]]]],
) -> dict[str, tuple[SignalLink, ...]]:
    """For each incoming lane, the signal links leaving it.

    Args:
        controlled: Per traffic light, its links by index, each a list of (from lane, to lane,
            via lane), as SUMO's ``trafficlight.getControlledLinks`` returns them.
    """
    links: dict[str, list[SignalLink]] = {}
    for tls_id, by_index in controlled.items():
        for index, link_list in enumerate(by_index):
            for link in link_list:
                if link and link[0]:
                    pairs = links.setdefault(str(link[0]), [])
                    if (tls_id, index) not in pairs:
                        pairs.append((tls_id, index))
    return {lane: tuple(pairs) for lane, pairs in links.items()}


def _road_of(lane_id: str) -> str:
    """The edge of a SUMO lane id ('edge_index')."""
    return lane_id.rpartition("_")[0] or lane_id


def _state_at(state: str, index: int) -> str:
    return state[index] if 0 <= index < len(state) else "r"


def lane_has_green(states: Mapping[str, str], pairs: Sequence[SignalLink]) -> bool:
    """Whether every signal link of a lane shows green now, priority ('G') or not ('g')."""
    return bool(pairs) and all(_state_at(states.get(t, ""), i) in "Gg" for t, i in pairs)


PERMISSIVE_GREEN_WEIGHT = 0.5
"""How much a second of green counts while a link of the lane only has a permissive green and
traffic with priority is crossing.

On a permissive green ('g') the first vehicle may rightly wait for a gap in oncoming traffic,
so standing through it is weaker evidence of a stall than standing through a priority green."""

OPPOSED_WITHIN_S = 15.0
"""A permissive green is opposed while a loop of a priority-green approach of the same signal
(another road) was occupied this recently: a vehicle yielding there waits for a gap."""


def lane_green_weight(
    states: Mapping[str, str],
    pairs: Sequence[SignalLink],
    permissive_weight: float = PERMISSIVE_GREEN_WEIGHT,
) -> float:
    """How much this second of the lane's signal counts as green for the incident detector.

    1 when every link leaving the lane has a priority green ('G'), ``permissive_weight`` when
    every link is green but some only permissively ('g'), else 0.
    """
    if not lane_has_green(states, pairs):
        return 0.0
    if all(_state_at(states.get(t, ""), i) == "G" for t, i in pairs):
        return 1.0
    return permissive_weight


@dataclass
class LoopAccumulator:
    """Sums per-step loop occupancy and green time into per-interval figures.

    SUMO's interval occupancy leaves out a vehicle standing on a loop until it drives off,
    while a real loop reports it occupied; summing each step's occupancy gives the real
    loop's figure. Green seconds per loop let the incident detector tell a stall from a red.

    Attributes:
        lane_of: The lane of each detector.
        links: ``lane_signal_links`` of the network.
        permissive_weight: What a second of permissive-only green counts
            (``lane_green_weight``) while a loop of a priority-green approach of the same
            signal on another road was occupied in the last ``OPPOSED_WITHIN_S``; unopposed,
            it counts a whole second.
        lights: The traffic lights whose states ``add_step`` needs (from ``links``).
    """

    lane_of: Mapping[str, str]
    links: Mapping[str, Sequence[SignalLink]]
    permissive_weight: float = PERMISSIVE_GREEN_WEIGHT
    lights: list[str] = field(default_factory=list, init=False)
    _rivals: dict[str, tuple[str, ...]] = field(default_factory=dict, init=False, repr=False)
    _clock_s: float = field(default=0.0, init=False, repr=False)
    _last_on_s: dict[str, float] = field(default_factory=dict, init=False, repr=False)
    _occupied_s: dict[str, float] = field(default_factory=dict, init=False, repr=False)
    _green_s: dict[str, float] = field(default_factory=dict, init=False, repr=False)
    _now: dict[str, bool] = field(default_factory=dict, init=False, repr=False)

    def add_step(
        self, step_s: float, occupancy_pct: Mapping[str, float], states: Mapping[str, str]
    ) -> None:
        """Add one simulation step: each loop's occupancy (percent) and each light's state."""
        self._clock_s += step_s
        for det in self.lane_of:
            occupied = occupancy_pct.get(det, 0.0)
            self._now[det] = occupied > 0
            if occupied > 0:
                self._occupied_s[det] = self._occupied_s.get(det, 0.0) + step_s * occupied / 100
                self._last_on_s[det] = self._clock_s
        for det, lane in self.lane_of.items():
            weight = lane_green_weight(states, self.links.get(lane, ()), self.permissive_weight)
            if 0 < weight < 1 and not self._opposed(det, states):
                weight = 1.0  # nobody with priority to wait for: standing is as telling
            if weight > 0:
                self._green_s[det] = self._green_s.get(det, 0.0) + step_s * weight

    def _opposed(self, detector_id: str, states: Mapping[str, str]) -> bool:
        """Whether a loop of a priority-green approach of the same signal saw traffic just now."""
        for rival in self._rivals.get(detector_id, ()):
            passed_s = self._last_on_s.get(rival)
            if passed_s is None or self._clock_s - passed_s > OPPOSED_WITHIN_S:
                continue
            if lane_green_weight(states, self.links.get(self.lane_of[rival], ())) == 1.0:
                return True
        return False

    def __post_init__(self) -> None:
        self.lights = sorted({tls for pairs in self.links.values() for tls, _index in pairs})
        # loops on other roads into the same signal: the traffic a permissive turn yields to
        by_light: dict[str, set[str]] = {}
        for det, lane in self.lane_of.items():
            for tls, _index in self.links.get(lane, ()):
                by_light.setdefault(tls, set()).add(det)
        for det, lane in self.lane_of.items():
            road = _road_of(lane)
            rivals = {
                other
                for tls, _index in self.links.get(lane, ())
                for other in by_light[tls]
                if _road_of(self.lane_of[other]) != road
            }
            self._rivals[det] = tuple(sorted(rivals))

    def signalised(self, detector_id: str) -> bool:
        """Whether the detector's lane has signal links (so its green seconds mean something)."""
        return bool(self.links.get(self.lane_of.get(detector_id, ""), ()))

    def take(self, detector_id: str, interval_s: float) -> tuple[float, float | None, bool]:
        """Occupancy (0 to 1), green seconds (None off signals) and occupied-now; then reset."""
        occupancy = min(1.0, self._occupied_s.pop(detector_id, 0.0) / interval_s)
        green = self._green_s.pop(detector_id, 0.0)
        return (
            occupancy,
            green if self.signalised(detector_id) else None,
            self._now.get(detector_id, False),
        )


def merge_readings(reads: Sequence[DetectorReading]) -> DetectorReading:
    """One loop's consecutive reads as one reading over their whole span.

    Counts and green seconds add up, occupancy is the time-weighted mean, speed the mean over
    the vehicles counted (None when no read has one), occupied-now is the last read's.

    Raises:
        InputError: for no reads, or reads of several loops.
    """
    if not reads or len({r.detector_id for r in reads}) != 1:
        raise InputError("merge needs one or more reads of one loop")
    begin_s, end_s = reads[0].begin_s, reads[-1].end_s
    span_s = max(end_s - begin_s, 1e-9)
    timed = [(r, r.end_s - r.begin_s) for r in reads]
    speeds = [(r.mean_speed_mps, r.vehicles) for r in reads if r.mean_speed_mps is not None]
    counted = sum(n for _, n in speeds)
    if counted > 0:
        speed: float | None = sum(v * n for v, n in speeds) / counted
    else:
        speed = sum(v for v, _ in speeds) / len(speeds) if speeds else None
    greens = [r.green_s for r in reads]
    return DetectorReading(
        detector_id=reads[0].detector_id,
        begin_s=begin_s,
        end_s=end_s,
        vehicles=sum(r.vehicles for r in reads),
        occupancy_pct=sum(r.occupancy_pct * d for r, d in timed) / span_s,
        mean_speed_mps=speed,
        green_s=None if any(g is None for g in greens) else sum(g or 0.0 for g in greens),
        occupied_now=reads[-1].occupied_now,
    )


def merge_batches(batches: Sequence[Sequence[DetectorReading]]) -> list[DetectorReading]:
    """Each loop's reads over consecutive batches merged into one reading (``merge_readings``),
    in the order the loops first appear."""
    by_loop: dict[str, list[DetectorReading]] = {}
    for batch in batches:
        for read in batch:
            by_loop.setdefault(read.detector_id, []).append(read)
    return [merge_readings(reads) for reads in by_loop.values()]
