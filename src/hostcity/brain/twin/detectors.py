"""Where the twin's induction loops go (one per signalised approach lane), and what they read."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from hostcity.brain.twin.types import Approach, DetectorSpec
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


def _state_at(state: str, index: int) -> str:
    return state[index] if 0 <= index < len(state) else "r"


def lane_has_green(states: Mapping[str, str], pairs: Sequence[SignalLink]) -> bool:
    """Whether every signal link of a lane shows green now, priority ('G') or not ('g').

    A permissive green counts: a turn waiting there for a gap is normal traffic, which the
    incident detector's profiles learn.
    """
    return bool(pairs) and all(_state_at(states.get(t, ""), i) in "Gg" for t, i in pairs)


@dataclass
class LoopAccumulator:
    """Sums per-step loop occupancy and green time into per-interval figures.

    SUMO's interval occupancy leaves out a vehicle standing on a loop until it drives off,
    while a real loop reports it occupied; summing each step's occupancy gives the real
    loop's figure. Green seconds per loop let the incident detector tell a stall from a red.

    Attributes:
        lane_of: The lane of each detector.
        links: ``lane_signal_links`` of the network.
        lights: The traffic lights whose states ``add_step`` needs (from ``links``).
    """

    lane_of: Mapping[str, str]
    links: Mapping[str, Sequence[SignalLink]]
    lights: list[str] = field(default_factory=list, init=False)
    _occupied_s: dict[str, float] = field(default_factory=dict, init=False, repr=False)
    _green_s: dict[str, float] = field(default_factory=dict, init=False, repr=False)
    _now: dict[str, bool] = field(default_factory=dict, init=False, repr=False)

    def add_step(
        self, step_s: float, occupancy_pct: Mapping[str, float], states: Mapping[str, str]
    ) -> None:
        """Add one simulation step: each loop's occupancy (percent) and each light's state."""
        for det, lane in self.lane_of.items():
            occupied = occupancy_pct.get(det, 0.0)
            self._now[det] = occupied > 0
            if occupied > 0:
                self._occupied_s[det] = self._occupied_s.get(det, 0.0) + step_s * occupied / 100
            pairs = self.links.get(lane, ())
            if lane_has_green(states, pairs):
                self._green_s[det] = self._green_s.get(det, 0.0) + step_s

    def __post_init__(self) -> None:
        self.lights = sorted({tls for pairs in self.links.values() for tls, _index in pairs})

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
