"""``ObservationHistory`` over the twin's observation table, in five-minute steps."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import numpy as np
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, sessionmaker

from hostcity.brain.forecast.errors import ForecastDataError
from hostcity.brain.forecast.history import mark_measured_zeros
from hostcity.brain.forecast.types import (
    FLOW,
    SPEED,
    STEP_S,
    BoolArray,
    FloatArray,
    SensorGraph,
    Series,
)
from hostcity.brain.twin.adapters.tables import ObservationRow
from hostcity.core.db import session_scope
from hostcity.core.timeutil import as_utc

FEATURES = (FLOW, "occupancy", SPEED)
NEIGHBOURS = 3


def _bucket(moment: datetime) -> int:
    return math.floor(as_utc(moment).timestamp() / STEP_S)


def _bucket_time(bucket: int) -> datetime:
    return datetime.fromtimestamp(bucket * STEP_S, tz=UTC)


class StoreHistory:
    """Observations of the store in five-minute steps: flow as vehicles per five minutes (the
    step's count scaled to five minutes when its readings cover more or less, as a starting
    twin's first step or readings that straddle steps do), occupancy and speed (km/h) averaged.

    Args:
        session_factory: The database.
        source: Only observations of this source (e.g. 'history'); every source when None.
    """

    def __init__(
        self, session_factory: sessionmaker[Session], *, source: str | None = None
    ) -> None:
        self.session_factory = session_factory
        self.source = source

    def _of_source(self) -> list[ColumnElement[bool]]:
        return [] if self.source is None else [ObservationRow.source == self.source]

    def detector_ids(self) -> list[str]:
        """Every detector with observations, sorted."""
        with session_scope(self.session_factory) as session:
            query = select(ObservationRow.detector_id).where(*self._of_source()).distinct()
            return sorted(session.scalars(query))

    def latest_time(self) -> datetime | None:
        """Start of the newest complete five-minute step."""
        with session_scope(self.session_factory) as session:
            newest = session.scalar(
                select(func.max(ObservationRow.observed_to)).where(*self._of_source())
            )
        return None if newest is None else _bucket_time(_bucket(newest) - 1)

    def earliest_time(self) -> datetime | None:
        """Start of the oldest five-minute step."""
        with session_scope(self.session_factory) as session:
            oldest = session.scalar(
                select(func.min(ObservationRow.observed_to)).where(*self._of_source())
            )
        return None if oldest is None else _bucket_time(_bucket(oldest))

    def window(
        self, detector_ids: list[str], start: datetime, steps: int, features: tuple[str, ...]
    ) -> FloatArray:
        """Observations (steps, N, F) from ``start``; 0 where nothing was measured."""
        return self.read(detector_ids, start, steps, features)[0]

    def observed(self, detector_ids: list[str], start: datetime, steps: int) -> BoolArray:
        """(steps, N): True where the store holds a reading of the detector in that step."""
        return self.read(detector_ids, start, steps, ())[1]

    def read(
        self, detector_ids: list[str], start: datetime, steps: int, features: tuple[str, ...]
    ) -> tuple[FloatArray, BoolArray]:
        """``window`` and ``observed`` from one query."""
        first = _bucket(start)
        column = {d: i for i, d in enumerate(detector_ids)}
        sums = np.zeros((steps, len(detector_ids), len(FEATURES)))
        counts = np.zeros_like(sums)
        counted_s = np.zeros((steps, len(detector_ids)))  # seconds the flow counts cover
        present = np.zeros((steps, len(detector_ids)), dtype=bool)
        with session_scope(self.session_factory) as session:
            rows = session.execute(
                select(
                    ObservationRow.detector_id,
                    ObservationRow.observed_from,
                    ObservationRow.observed_to,
                    ObservationRow.intensity_veh,
                    ObservationRow.flow_veh_per_h,
                    ObservationRow.occupancy,
                    ObservationRow.speed_mps,
                ).where(
                    ObservationRow.observed_to >= _bucket_time(first),
                    ObservationRow.observed_to < _bucket_time(first + steps),
                    ObservationRow.detector_id.in_(detector_ids),
                    *self._of_source(),
                )
            ).all()
        for detector, t_from, t_to, counted, rate, occupancy, speed in rows:
            k, n = _bucket(t_to) - first, column[detector]
            if not 0 <= k < steps:
                continue
            present[k, n] = True
            count, length_s = counted, (as_utc(t_to) - as_utc(t_from)).total_seconds()
            if count is None and rate is not None:
                count = rate * length_s / 3600
            if count is not None and length_s > 0:
                counted_s[k, n] += length_s
            for f, value in (
                (0, count),
                (1, occupancy),
                (2, None if speed is None else speed * 3.6),
            ):
                if value is not None:
                    sums[k, n, f] += value
                    counts[k, n, f] += 1
        means = np.divide(sums, counts, out=np.zeros_like(sums), where=counts > 0)
        flow = np.divide(
            sums[..., 0] * STEP_S, counted_s, out=sums[..., 0].copy(), where=counted_s > 0
        )
        values = np.concatenate([flow[..., None], means[..., 1:]], axis=-1)
        return values[..., [FEATURES.index(f) for f in features]], present

    def locations(self) -> dict[str, tuple[float, float]]:
        """Longitude and latitude of each detector that reported one."""
        with session_scope(self.session_factory) as session:
            rows = session.execute(
                select(ObservationRow.detector_id, ObservationRow.lon, ObservationRow.lat)
                .where(
                    ObservationRow.lon.is_not(None),
                    ObservationRow.lat.is_not(None),
                    *self._of_source(),
                )
                .distinct()
            ).all()
        return {
            d: (float(lon), float(lat))
            for d, lon, lat in rows
            if lon is not None and lat is not None
        }


def series_from_store(history: StoreHistory, *, days: float | None = None) -> Series:
    """Every detector's history as a series (the last ``days`` when given).

    Raises:
        ForecastDataError: when the store holds no observations.
    """
    latest, earliest = history.latest_time(), history.earliest_time()
    ids = history.detector_ids()
    if latest is None or earliest is None or not ids:
        raise ForecastDataError(
            "the observation store is empty",
            hint="record history with the twin first, or pass --data and --graph",
        )
    if days is not None:
        earliest = max(earliest, latest - timedelta(days=days))
    steps = _bucket(latest) - _bucket(earliest) + 1
    values, observed = history.read(ids, earliest, steps, FEATURES)
    return Series(mark_measured_zeros(values, observed, FEATURES), tuple(ids), FEATURES, earliest)


def graph_from_locations(history: StoreHistory, sensor_ids: tuple[str, ...]) -> SensorGraph:
    """Each detector joined to its nearest located neighbours, with distances in metres.

    Raises:
        ForecastDataError: when fewer than two detectors have a location.
    """
    where = history.locations()
    located = [i for i, d in enumerate(sensor_ids) if d in where]
    if len(located) < 2:
        raise ForecastDataError(
            "the stored detectors have no locations to build a sensor graph from",
            hint="pass a from,to,distance CSV with --graph",
        )
    pts = np.array([where[sensor_ids[i]] for i in located])
    scale = np.array([111_320 * math.cos(math.radians(float(pts[:, 1].mean()))), 110_540])
    xy = pts * scale
    dist = np.linalg.norm(xy[:, None] - xy[None], axis=-1)
    sources, targets, lengths = [], [], []
    for a in range(len(located)):
        for b in np.argsort(dist[a])[1 : NEIGHBOURS + 1]:
            sources.append(located[a])
            targets.append(located[int(b)])
            lengths.append(float(dist[a, b]))
    return SensorGraph(tuple(sources), tuple(targets), tuple(lengths))
