"""Scoring an evaluation run: injected incidents matched with the alarms the detector raised."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from hostcity.brain.incidents.types import Alarm


@dataclass(frozen=True)
class InjectedIncident:
    """A lane blocked on purpose during an evaluation run.

    Attributes:
        lane_id: The blocked lane.
        edge_id: Its edge.
        detector_id: The detector downstream of the blockage on that lane.
        start_s: When the lane was blocked.
        end_s: When it was opened again.
        kind: 'stopped-vehicle' or 'lane-closed'.
        related: Detectors whose alarms during the incident are knock-on effects (the ones
            feeding the blocked lane and beside it), counted neither as hits nor as false alarms.
    """

    lane_id: str
    edge_id: str
    detector_id: str
    start_s: float
    end_s: float
    kind: str = "lane-closed"
    related: tuple[str, ...] = ()


@dataclass(frozen=True)
class EvalScore:
    """Detection figures of one or more runs."""

    incidents: int
    detected: int
    times_to_detect_s: tuple[float, ...]
    false_alarms: int
    detector_hours: float

    def to_dict(self) -> dict[str, Any]:
        """The JSON keys of ``incidents-eval``."""
        ttd = sorted(self.times_to_detect_s)
        return {
            "detection_rate": round(self.detected / self.incidents, 3) if self.incidents else None,
            "mean_time_to_detect_s": round(sum(ttd) / len(ttd), 1) if ttd else None,
            "p95_time_to_detect_s": round(_p95(ttd), 1) if ttd else None,
            "false_alarms_per_100_detector_hours": (
                round(100.0 * self.false_alarms / self.detector_hours, 3)
                if self.detector_hours > 0
                else None
            ),
            "incidents": self.incidents,
            "detected": self.detected,
            "false_alarms": self.false_alarms,
            "detector_hours": round(self.detector_hours, 1),
        }


def _p95(values: Sequence[float]) -> float:
    index = min(len(values) - 1, max(0, round(0.95 * (len(values) - 1))))
    return values[index]


def score(
    injected: Sequence[InjectedIncident],
    alarms: Iterable[Alarm],
    *,
    detector_hours: float,
    grace_s: float = 300.0,
) -> EvalScore:
    """Match alarms with injected incidents.

    An alarm matches an incident when it is on the incident's edge (or the detector the
    incident sits before) and raised between its start and ``grace_s`` after its end. The
    first matching alarm sets the time to detect. Every unmatched alarm is a false alarm.
    """
    detected: dict[int, float] = {}
    false_alarms = 0
    for alarm in sorted(alarms, key=lambda a: a.raised_s):
        match = None
        # the newest incident in force at this place: an older one may still be in its grace
        for index, incident in enumerate(injected):
            on_place = (
                alarm.edge_id == incident.edge_id or alarm.detector_id == incident.detector_id
            )
            in_time = incident.start_s <= alarm.raised_s <= incident.end_s + grace_s
            if (
                on_place
                and in_time
                and (match is None or incident.start_s > injected[match].start_s)
            ):
                match = index
        if match is None:
            if not any(
                alarm.detector_id in i.related and i.start_s <= alarm.raised_s <= i.end_s + grace_s
                for i in injected
            ):
                false_alarms += 1
        elif match not in detected:
            detected[match] = alarm.raised_s - injected[match].start_s
    return EvalScore(
        incidents=len(injected),
        detected=len(detected),
        times_to_detect_s=tuple(detected.values()),
        false_alarms=false_alarms,
        detector_hours=detector_hours,
    )


def merge(scores: Iterable[EvalScore]) -> EvalScore:
    """One score over several runs (seeds)."""
    parts = list(scores)
    return EvalScore(
        incidents=sum(s.incidents for s in parts),
        detected=sum(s.detected for s in parts),
        times_to_detect_s=tuple(t for s in parts for t in s.times_to_detect_s),
        false_alarms=sum(s.false_alarms for s in parts),
        detector_hours=sum(s.detector_hours for s in parts),
    )
