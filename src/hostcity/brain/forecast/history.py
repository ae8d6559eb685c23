"""Where observation history comes from: a small protocol, and an in-memory implementation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

import numpy as np

from hostcity.brain.forecast.errors import ForecastDataError, UnknownDetectorError
from hostcity.brain.forecast.types import MEASURED_ZERO, SPEED, BoolArray, FloatArray, Series
from hostcity.core.timeutil import as_utc


class ObservationHistory(Protocol):
    """A store of detector observations at regular five-minute steps."""

    def detector_ids(self) -> list[str]:
        """Every detector with observations."""
        ...

    def latest_time(self) -> datetime | None:
        """Start of the newest complete step, or None when there are no observations."""
        ...

    def window(
        self, detector_ids: list[str], start: datetime, steps: int, features: tuple[str, ...]
    ) -> FloatArray:
        """Observations (steps, N, F) from ``start``; 0 where nothing was measured."""
        ...

    def observed(self, detector_ids: list[str], start: datetime, steps: int) -> BoolArray:
        """(steps, N): whether a reading of the detector exists for each step from ``start``."""
        ...

    def read(
        self, detector_ids: list[str], start: datetime, steps: int, features: tuple[str, ...]
    ) -> tuple[FloatArray, BoolArray]:
        """``window`` and ``observed`` together (a store answers both from one query)."""
        ...


class SeriesHistory:
    """An ``ObservationHistory`` over a series held in memory (benchmark files, tests)."""

    def __init__(self, series: Series) -> None:
        self.series = series

    def detector_ids(self) -> list[str]:
        """Every detector of the series."""
        return list(self.series.sensor_ids)

    def latest_time(self) -> datetime | None:
        """Time of the last step."""
        return self.series.start + timedelta(seconds=(self.series.steps - 1) * self.series.step_s)

    def window(
        self, detector_ids: list[str], start: datetime, steps: int, features: tuple[str, ...]
    ) -> FloatArray:
        """Observations (steps, N, F); steps outside the series are 0.

        Raises:
            UnknownDetectorError: for a detector the series does not have.
        """
        index = {s: i for i, s in enumerate(self.series.sensor_ids)}
        missing = [d for d in detector_ids if d not in index]
        if missing:
            raise UnknownDetectorError(
                f"no history for detector(s) {', '.join(missing[:5])}",
                hint="list detectors with GET /api/brain/forecasts",
            )
        columns = [index[d] for d in detector_ids]
        feats = [self.series.feature_index(f) for f in features]
        offset_s = (as_utc(start) - self.series.start).total_seconds()
        first = round(offset_s / self.series.step_s)
        out = np.zeros((steps, len(columns), len(features)))
        for k in range(steps):
            t = first + k
            if 0 <= t < self.series.steps:
                for j, f in enumerate(feats):
                    if f is not None:
                        out[k, :, j] = self.series.values[t, columns, f]
        return out

    def observed(self, detector_ids: list[str], start: datetime, steps: int) -> BoolArray:
        """(steps, N): True for the steps inside the series (its zeros are its own readings)."""
        offset_s = (as_utc(start) - self.series.start).total_seconds()
        first = round(offset_s / self.series.step_s)
        inside = [0 <= first + k < self.series.steps for k in range(steps)]
        return np.repeat(np.array(inside, dtype=bool)[:, None], len(detector_ids), axis=1)

    def read(
        self, detector_ids: list[str], start: datetime, steps: int, features: tuple[str, ...]
    ) -> tuple[FloatArray, BoolArray]:
        """``window`` and ``observed`` together."""
        return (
            self.window(detector_ids, start, steps, features),
            self.observed(detector_ids, start, steps),
        )


@dataclass(frozen=True)
class RecentWindow:
    """The newest steps of every detector, gaps filled, with what was really measured.

    Attributes:
        start: Time of the first step.
        values: (steps, N, F) readings; a step with no reading takes the detector's nearest
            reading in the window (the one before it, else the one after).
        observed: (steps, N) True where the store held a reading.
    """

    start: datetime
    values: FloatArray
    observed: BoolArray


def recent_window(
    history: ObservationHistory, detector_ids: list[str], steps: int, features: tuple[str, ...]
) -> RecentWindow:
    """The newest ``steps`` observations, gaps filled from the nearest reading.

    A store that has just started, or a detector that missed some intervals, would otherwise
    feed zeros (no traffic at all, standing traffic for speed) to the models.

    Raises:
        ForecastDataError: when the store holds no observations yet.
    """
    latest = history.latest_time()
    if latest is None:
        raise ForecastDataError(
            "the observation store is empty", hint="start the twin or load detector history"
        )
    start = latest - timedelta(minutes=5 * (steps - 1))
    values, observed = history.read(detector_ids, start, steps, features)
    values = fill_gaps(mark_measured_zeros(values, observed, features), observed)
    return RecentWindow(start, values, observed)


def mark_measured_zeros(
    values: FloatArray, observed: BoolArray, features: tuple[str, ...]
) -> FloatArray:
    """``values`` (T, N, F) with each measured 0 (a step with a reading) as ``MEASURED_ZERO``,
    so that the protocol's "0 is missing" leaves it in; speeds of 0 (no vehicle) stay 0."""
    marked = values.copy()
    for f, name in enumerate(features):
        if name == SPEED:
            continue
        column = marked[..., f]
        column[observed & (column == 0)] = MEASURED_ZERO
    return marked


def fill_gaps(values: FloatArray, observed: BoolArray) -> FloatArray:
    """``values`` (T, N, F) with unobserved steps set to the detector's previous observed step,
    or its next one before the first; a detector never observed keeps its values."""
    filled = values.copy()
    steps = values.shape[0]
    index = np.arange(steps)[:, None]
    previous = np.maximum.accumulate(np.where(observed, index, -1), axis=0)
    following = np.flip(
        np.minimum.accumulate(np.flip(np.where(observed, index, steps), axis=0), axis=0), axis=0
    )
    source = np.where(previous >= 0, previous, following)  # (T, N)
    for n in np.flatnonzero(observed.any(axis=0)):
        filled[:, n] = values[source[:, n], n]
    return filled
