"""Where the twin's induction loops go: one per incoming lane of every signalised junction."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable

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
