"""Observation storage: insert a validated batch, read recent and latest observations."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from hostcity.brain.twin.adapters.tables import ObservationRow
from hostcity.brain.twin.types import Observation
from hostcity.core.timeutil import as_utc


def _to_values(observation: Observation) -> dict[str, Any]:
    # an Observation's fields are the row's columns, each a plain value
    return dict(vars(observation))


def _from_row(row: ObservationRow) -> Observation:
    return Observation(
        detector_id=row.detector_id,
        observed_from=row.observed_from,
        observed_to=row.observed_to,
        intensity_veh=row.intensity_veh,
        flow_veh_per_h=row.flow_veh_per_h,
        occupancy=row.occupancy,
        speed_mps=row.speed_mps,
        lane_id=row.lane_id,
        road_segment=row.road_segment,
        lon=row.lon,
        lat=row.lat,
        source=row.source,
        green_s=row.green_s,
        occupied_now=row.occupied_now,
    )


def insert_observations(session: Session, observations: Iterable[Observation]) -> int:
    """Insert every observation in ``session``'s transaction, which commits them together.

    One bulk INSERT (not an ORM object per row): sensor feeds store thousands at a time.
    """
    rows = [_to_values(o) for o in observations]
    if rows:
        session.execute(insert(ObservationRow), rows)
    return len(rows)


def recent_observations(
    session: Session, *, detector_id: str | None = None, limit: int = 50
) -> list[Observation]:
    """The newest observations first, of one detector or of all."""
    query = select(ObservationRow)
    if detector_id is not None:
        query = query.where(ObservationRow.detector_id == detector_id)
    query = query.order_by(ObservationRow.observed_to.desc(), ObservationRow.id.desc()).limit(limit)
    return [_from_row(row) for row in session.scalars(query)]


def latest_per_detector(session: Session, *, limit: int = 5000) -> list[Observation]:
    """Each detector's newest observation, ordered by detector id."""
    newest = (
        select(ObservationRow.detector_id, func.max(ObservationRow.id).label("last_id"))
        .group_by(ObservationRow.detector_id)
        .subquery()
    )
    query = (
        select(ObservationRow)
        .join(newest, ObservationRow.id == newest.c.last_id)
        .order_by(ObservationRow.detector_id)
        .limit(limit)
    )
    return [_from_row(row) for row in session.scalars(query)]


def count_observations(session: Session, *, detector_id: str | None = None) -> int:
    """How many observations are stored, of one detector or of all."""
    query = select(func.count()).select_from(ObservationRow)
    if detector_id is not None:
        query = query.where(ObservationRow.detector_id == detector_id)
    return int(session.scalar(query) or 0)


def latest_end(session: Session, *, source: str) -> datetime | None:
    """End of the newest observation window of ``source``; None when it stored none."""
    newest = session.scalar(
        select(func.max(ObservationRow.observed_to)).where(ObservationRow.source == source)
    )
    return None if newest is None else as_utc(newest)


def delete_before(session: Session, *, source: str, received_before: datetime) -> int:
    """Delete observations of ``source`` received before ``received_before``; returns how many."""
    result = session.execute(
        delete(ObservationRow).where(
            ObservationRow.source == source, ObservationRow.received_at < received_before
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)
