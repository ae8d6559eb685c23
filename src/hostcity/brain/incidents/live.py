"""Incident detection on a live observation stream: learn a warm-up, then detect."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from hostcity.brain.incidents.detector import DetectorConfig, IncidentDetector
from hostcity.brain.incidents.graph import PlacedDetector, build_graph
from hostcity.brain.incidents.profile import learn_profiles
from hostcity.brain.incidents.types import Alarm, DetectorNode, Sample
from hostcity.brain.twin.sensor_graph import SensorLink, links_by_detector
from hostcity.core.errors import InputError


@dataclass(frozen=True)
class StreamReading:
    """What the live stream says of one detector over one window (an observation's fields).

    Attributes:
        detector_id: The sensor.
        observed_from: Start of the window (UTC).
        observed_to: End of the window (UTC).
        intensity_veh: Vehicles counted.
        occupancy: Fraction of the window occupied, 0 to 1.
        speed_mps: Mean speed.
        road_segment: The road the sensor is on, when known.
        lane_index: Its lane on that road, when known.
        green_s: Green seconds its approach had, when the sender knows the signals.
        occupied_now: A vehicle on it at the window's end, when known.
    """

    detector_id: str
    observed_from: datetime
    observed_to: datetime
    intensity_veh: float | None
    occupancy: float | None
    speed_mps: float | None = None
    road_segment: str | None = None
    lane_index: int | None = None
    green_s: float | None = None
    occupied_now: bool | None = None


def to_sample(reading: StreamReading, *, clock_origin: datetime) -> Sample | None:
    """The detector's sample of one reading; None when it lacks a count, occupancy or window.

    ``end_s`` counts seconds from ``clock_origin`` (take a UTC midnight, so that profiles'
    time-of-day buckets are hours of the day).
    """
    interval_s = (reading.observed_to - reading.observed_from).total_seconds()
    if reading.intensity_veh is None or reading.occupancy is None or interval_s <= 0:
        return None
    return Sample(
        detector_id=reading.detector_id,
        end_s=(reading.observed_to - clock_origin).total_seconds(),
        interval_s=interval_s,
        vehicles=reading.intensity_veh,
        occupancy=reading.occupancy,
        speed_mps=reading.speed_mps,
        green_s=reading.green_s,
        occupied_now=reading.occupied_now,
    )


def graph_from_lanes(lanes: Mapping[str, tuple[str, str]]) -> dict[str, DetectorNode]:
    """A detector graph from each detector's (edge, lane): neighbours are same-edge detectors.

    Without the road network's lane links there are no upstream, downstream or peer
    detectors; the detector then relies on its own stream and its neighbours.
    """
    placed = [PlacedDetector(det, lane, edge) for det, (edge, lane) in sorted(lanes.items())]
    return build_graph(placed, {})


@dataclass
class LiveDetection:
    """Learns normal profiles from the first ``warmup_s`` of the stream, then detects.

    Args:
        graph: Known detectors; a detector outside it gets a node of its own (its road
            segment as edge) when it first reports (``add_unknown``).
        warmup_s: Stream time learned from before any alarm.
        config: Detector tuning.
        damping: Per-detector damping from operator dismissals.
        links: The city's sensor graph, which gives those detectors their upstream and
            downstream ones.
    """

    graph: dict[str, DetectorNode]
    warmup_s: float = 1800.0
    config: DetectorConfig = field(default_factory=DetectorConfig)
    damping: dict[str, float] = field(default_factory=dict)
    links: Iterable[SensorLink] = ()
    detector: IncidentDetector | None = field(default=None, init=False)
    _history: list[Sample] = field(default_factory=list, init=False, repr=False)
    _first_s: float | None = field(default=None, init=False, repr=False)
    learned_s: float = field(default=0.0, init=False)
    """Stream seconds learned so far (``warmup_s`` once the profiles are learned)."""

    def __post_init__(self) -> None:
        if self.warmup_s <= 0:
            raise InputError(f"live warm-up must be > 0 s, got {self.warmup_s}")
        self._upstream, self._downstream = links_by_detector(self.links)
        self._placed: dict[str, list[str]] = {}  # detectors add_unknown placed, by segment

    @property
    def learning(self) -> bool:
        """True until the profiles are learned."""
        return self.detector is None

    def add_unknown(self, readings: Iterable[StreamReading]) -> None:
        """Give detectors missing from the graph a node of their own: on their road segment
        (beside the others placed there), with the up- and downstream detectors ``links``
        names.

        Detectors on one segment are each other's neighbours and peers: without the signals'
        plan, the lanes of a road are taken to get green together.
        """
        for reading in readings:
            det = reading.detector_id
            if det in self.graph:
                continue
            edge = reading.road_segment or det
            lane = f"{edge}_{reading.lane_index if reading.lane_index is not None else 0}"
            on_segment = self._placed.setdefault(edge, [])
            beside = tuple(sorted(on_segment))
            self.graph[det] = DetectorNode(
                det,
                edge,
                lane,
                upstream=self._upstream.get(det, ()),
                downstream=self._downstream.get(det, ()),
                neighbours=beside,
                peers=beside,
            )
            for other in beside:
                node = self.graph[other]
                widened = tuple(sorted({*node.neighbours, det}))
                self.graph[other] = replace(node, neighbours=widened, peers=widened)
            on_segment.append(det)

    def feed(self, samples: Iterable[Sample]) -> list[Alarm]:
        """Take one interval's samples; returns the alarms they raise (none while learning)."""
        batch = list(samples)
        if not batch:
            return []
        if self.detector is not None:
            return self.detector.process(batch)
        self._history.extend(batch)
        end_s = max(s.end_s for s in batch)
        if self._first_s is None:
            self._first_s = min(s.end_s - s.interval_s for s in batch)
        self.learned_s = min(end_s - self._first_s, self.warmup_s)
        if end_s - self._first_s >= self.warmup_s:
            peers = {det: node.peers for det, node in self.graph.items()}
            book = learn_profiles(self._history, neighbours=peers)
            self.detector = IncidentDetector(self.graph, book, self.config, self.damping)
            self._history = []
        return []
