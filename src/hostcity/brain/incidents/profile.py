"""Normal profiles per detector and time of day, learned from incident-free history."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from hostcity.brain.incidents.types import DetectorProfile, Sample
from hostcity.core.errors import InputError

DAY_S = 86_400.0
MIN_BUCKET_INTERVALS = 30
"""A time-of-day bucket learned from fewer intervals falls back to the all-day profile."""


@dataclass(frozen=True)
class ProfileBook:
    """Profiles by detector and time-of-day bucket, with an all-day profile as fallback.

    Attributes:
        bucket_s: Width of a time-of-day bucket.
        by_bucket: Profile of (detector, bucket index).
        all_day: Profile of each detector over all buckets.
    """

    bucket_s: float
    by_bucket: Mapping[tuple[str, int], DetectorProfile]
    all_day: Mapping[str, DetectorProfile]

    def get(self, detector_id: str, t_s: float) -> DetectorProfile | None:
        """The profile of ``detector_id`` at time ``t_s`` (seconds of the day, wraps)."""
        bucket = int((t_s % DAY_S) // self.bucket_s)
        profile = self.by_bucket.get((detector_id, bucket))
        if profile is not None and profile.intervals >= MIN_BUCKET_INTERVALS:
            return profile
        return self.all_day.get(detector_id)

    def nearby(self, detector_id: str, t_s: float, buckets: int) -> list[DetectorProfile]:
        """The learned profiles of ``detector_id`` up to ``buckets`` buckets before and after
        the one holding ``t_s`` (wrapping over midnight); buckets learned from too few
        intervals are left out, and so is the all-day fallback."""
        count = max(1, math.ceil(DAY_S / self.bucket_s))
        here = int((t_s % DAY_S) // self.bucket_s)
        found = []
        for offset in range(-buckets, buckets + 1):
            if offset == 0:
                continue
            profile = self.by_bucket.get((detector_id, (here + offset) % count))
            if profile is not None and profile.intervals >= MIN_BUCKET_INTERVALS:
                found.append(profile)
        return found

    def detectors(self) -> list[str]:
        """Detectors with a profile."""
        return sorted(self.all_day)


STUCK_OCCUPANCY = 0.9


def is_standing(sample: Sample) -> bool:
    """Whether the loop was (nearly) always occupied and nobody left it (nor is it free now)."""
    return (
        sample.vehicles <= 0
        and sample.occupancy >= STUCK_OCCUPANCY
        and sample.occupied_now is not False
    )


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def _profile(samples: list[Sample], passed: Mapping[float, float] | None = None) -> DetectorProfile:
    ordered = sorted(samples, key=lambda s: s.end_s)
    total_s = sum(s.interval_s for s in ordered)
    rate = sum(s.vehicles for s in ordered) / total_s if total_s > 0 else 0.0
    quiet, max_quiet, stuck, max_stuck, beside, max_beside = 0.0, 0.0, 0.0, 0.0, 0.0, 0.0
    green, max_green = 0.0, 0.0
    for sample in ordered:
        quiet = quiet + rate * sample.interval_s if sample.vehicles <= 0 else 0.0
        max_quiet = max(max_quiet, quiet)
        standing = is_standing(sample)
        stuck = stuck + sample.interval_s if standing else 0.0
        beside = beside + (passed or {}).get(sample.end_s, 0.0) if standing else 0.0
        green = green + (sample.green_s or 0.0) if standing else 0.0
        max_stuck, max_beside = max(max_stuck, stuck), max(max_beside, beside)
        max_green = max(max_green, green)
    speeds = [s.speed_mps for s in ordered if s.speed_mps is not None and s.vehicles > 0]
    return DetectorProfile(
        rate_veh_per_s=rate,
        max_quiet_veh=max_quiet,
        max_stuck_s=max_stuck,
        max_passed_beside_veh=max_beside,
        occupancy_p95=_percentile([s.occupancy for s in ordered], 0.95),
        speed_mps=sum(speeds) / len(speeds) if speeds else None,
        intervals=len(ordered),
        max_stuck_green_s=max_green,
    )


def learn_profiles(
    samples: Iterable[Sample],
    *,
    bucket_s: float = 3600.0,
    neighbours: Mapping[str, Sequence[str]] | None = None,
) -> ProfileBook:
    """Learn each detector's normal profile from incident-free samples.

    Args:
        samples: History or a warm-up period without incidents.
        bucket_s: Width of the time-of-day buckets (one hour by default).
        neighbours: Detectors on the other lanes of each detector's edge with the same
            movement (``DetectorNode.peers``).

    Raises:
        InputError: for a bucket width that does not divide into a day, or no samples.
    """
    if bucket_s <= 0 or bucket_s > DAY_S:
        raise InputError(f"profile bucket must be in (0, 86400] s, got {bucket_s}")
    by_bucket: dict[tuple[str, int], list[Sample]] = defaultdict(list)
    by_detector: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        if sample.interval_s <= 0:
            raise InputError(
                f"sample of {sample.detector_id} has interval {sample.interval_s} s",
                hint="each sample needs a positive interval",
            )
        by_bucket[(sample.detector_id, int((sample.end_s % DAY_S) // bucket_s))].append(sample)
        by_detector[sample.detector_id].append(sample)
    if not by_detector:
        raise InputError(
            "no samples to learn a normal profile from",
            hint="run the twin for a warm-up period first, or pass history",
        )
    counts = {(s.detector_id, s.end_s): s.vehicles for group in by_detector.values() for s in group}
    passed: dict[str, dict[float, float]] = {}
    for det, group in by_detector.items():
        others = (neighbours or {}).get(det, ())
        passed[det] = {s.end_s: sum(counts.get((o, s.end_s), 0.0) for o in others) for s in group}
    return ProfileBook(
        bucket_s=bucket_s,
        by_bucket={key: _profile(group, passed.get(key[0])) for key, group in by_bucket.items()},
        all_day={key: _profile(group, passed.get(key)) for key, group in by_detector.items()},
    )
