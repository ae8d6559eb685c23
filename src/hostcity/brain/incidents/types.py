"""Plain data of incident detection: detector samples, the detector graph, alarms."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class IncidentStatus(StrEnum):
    """Where an incident is in its life."""

    RAISED = "raised"
    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"
    CLEARED = "cleared"


@dataclass(frozen=True)
class Sample:
    """What one detector measured over one interval.

    Attributes:
        detector_id: The detector.
        end_s: End of the interval, in seconds of the stream's clock.
        interval_s: Length of the interval.
        vehicles: Vehicles counted.
        occupancy: Fraction of the interval the loop was occupied, 0 to 1.
        speed_mps: Mean speed of the vehicles counted; None when none passed.
        green_s: Seconds of the interval the loop's approach had green (every signal link of
            its lane green); None when the signal state is unknown (a sensor without it).
        occupied_now: Whether a vehicle stood on the loop at the interval's end; None when
            unknown.
    """

    detector_id: str
    end_s: float
    interval_s: float
    vehicles: float
    occupancy: float
    speed_mps: float | None = None
    green_s: float | None = None
    occupied_now: bool | None = None


@dataclass(frozen=True)
class DetectorNode:
    """A detector with its place in the road graph.

    Attributes:
        detector_id: The detector.
        edge_id: The road edge it sits on.
        lane_id: The lane it sits on.
        upstream: Detectors on lanes feeding this lane (the previous junction's approaches).
        downstream: Detectors on lanes this lane feeds.
        neighbours: Detectors on the other lanes of the same edge.
        peers: The neighbours whose lanes lead to a road this lane leads to too, so they get
            green together (a through lane's peers are the other through lanes).
        lon_lat: Where it is, when the network is geo-referenced.
        xy: Where it is in network metres.
    """

    detector_id: str
    edge_id: str
    lane_id: str
    upstream: tuple[str, ...] = ()
    downstream: tuple[str, ...] = ()
    neighbours: tuple[str, ...] = ()
    peers: tuple[str, ...] = ()
    lon_lat: tuple[float, float] | None = None
    xy: tuple[float, float] | None = None


@dataclass(frozen=True)
class DetectorProfile:
    """The normal behaviour of one detector in one time-of-day bucket.

    Attributes:
        rate_veh_per_s: Mean vehicles per second.
        max_quiet_veh: The most vehicles expected (rate x time) over a run of empty intervals
            seen in normal traffic: red phases and gaps make such runs; longer ones are odd.
        max_stuck_s: The longest run of intervals with the loop occupied and nobody passing
            (a queue at red): a vehicle standing on the loop for much longer has stalled.
        max_passed_beside_veh: The most vehicles the other lanes of the edge counted while
            this loop stood occupied. At a red they wait too; past a stalled vehicle they flow.
        occupancy_p95: 95th percentile of occupancy.
        speed_mps: Mean speed of passing vehicles; None when unknown.
        intervals: How many intervals the profile was learned from.
        max_stuck_green_s: The most green seconds a loop stood occupied through in normal
            traffic (a queue behind a full exit, a turn waiting for a gap); 0 when the signal
            state was never known.
    """

    rate_veh_per_s: float
    max_quiet_veh: float
    max_stuck_s: float
    max_passed_beside_veh: float
    occupancy_p95: float
    speed_mps: float | None
    intervals: int
    max_stuck_green_s: float = 0.0


@dataclass(frozen=True)
class Alarm:
    """An incident the detector raises.

    Attributes:
        detector_id: The detector that saw it.
        edge_id: The road edge.
        lane_id: The lane.
        start_s: When the evidence began (start of the quiet run).
        raised_s: When the detector raised it.
        severity: 'minor', 'moderate' or 'severe'.
        confidence: 0 to 1.
        evidence: Which signals fired, with their figures.
    """

    detector_id: str
    edge_id: str
    lane_id: str
    start_s: float
    raised_s: float
    severity: str
    confidence: float
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return asdict(self)
