"""Database access of the emergency feature: units and calls, with guarded status changes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from hostcity.brain.emergency.adapters.tables import CallRow, UnitRow
from hostcity.brain.emergency.errors import UnitBusyError
from hostcity.brain.emergency.units import AVAILABLE, DISPATCHED, Unit, check_transition
from hostcity.core.errors import NotFoundError
from hostcity.core.timeutil import utcnow


def to_unit(row: UnitRow) -> Unit:
    """The plain unit of a row."""
    return Unit(
        unit_id=row.id,
        kind=row.kind,
        name=row.name,
        station_edge=row.station_edge,
        station_pos_m=row.station_pos_m,
        station_xy=(row.station_x_m, row.station_y_m),
        status=row.status,
        call_id=row.call_id,
    )


def all_units(session: Session) -> list[Unit]:
    """Every unit, by id."""
    return [to_unit(r) for r in session.scalars(select(UnitRow).order_by(UnitRow.id))]


def unit_row(session: Session, unit_id: str) -> UnitRow:
    """The row of ``unit_id``.

    Raises:
        NotFoundError: for an unknown unit.
    """
    row = session.get(UnitRow, unit_id)
    if row is None:
        raise NotFoundError(
            f"no emergency unit {unit_id!r}",
            hint="list units with GET /api/brain/emergency/units or 'hostcity brain units'",
        )
    return row


def upsert_unit(session: Session, unit: Unit) -> bool:
    """Store ``unit``; True when it was new. A new unit is available, others keep their status."""
    row = session.get(UnitRow, unit.unit_id)
    created = row is None
    if row is None:
        row = UnitRow(id=unit.unit_id, status=AVAILABLE)
        session.add(row)
    row.kind, row.name = unit.kind, unit.name
    row.station_edge, row.station_pos_m = unit.station_edge, unit.station_pos_m
    row.station_x_m, row.station_y_m = unit.station_xy
    row.updated_at = utcnow()
    return created


def delete_unit(session: Session, unit_id: str) -> None:
    """Remove ``unit_id``, only if it is available (one guarded DELETE).

    Raises:
        NotFoundError: for an unknown unit.
        UnitBusyError: while the unit is on a call or returning from one.
    """
    result = session.execute(
        delete(UnitRow).where(UnitRow.id == unit_id, UnitRow.status == AVAILABLE)
    )
    if getattr(result, "rowcount", 0) == 1:
        return
    row = unit_row(session, unit_id)
    raise UnitBusyError(
        f"unit {unit_id} is {row.status.replace('_', ' ')}, so it cannot be removed now",
        hint=f"cancel its call {row.call_id} or wait until it is available again",
    )


def claim_unit(session: Session, unit_id: str, call_id: int) -> None:
    """Mark ``unit_id`` dispatched to ``call_id``, only if it is still available.

    The check and the change are one UPDATE, so two dispatches at once cannot both win.

    Raises:
        UnitBusyError: when another dispatch took the unit first.
    """
    result = session.execute(
        update(UnitRow)
        .where(UnitRow.id == unit_id, UnitRow.status == AVAILABLE)
        .values(status=DISPATCHED, call_id=call_id, updated_at=utcnow())
    )
    if getattr(result, "rowcount", 0) != 1:
        raise UnitBusyError(
            f"unit {unit_id} was dispatched by someone else a moment ago",
            hint="choose another unit, or leave the choice to the fastest one",
        )


def move_unit(session: Session, unit_id: str, status: str) -> None:
    """Change a unit's status along its life cycle; back to available it drops its call.

    Raises:
        NotFoundError: for an unknown unit.
        EmergencyInputError: for a change the life cycle does not allow.
    """
    row = unit_row(session, unit_id)
    if row.status == status:
        return
    row.status = check_transition(unit_id, row.status, status)
    if status == AVAILABLE:
        row.call_id = None
    row.updated_at = utcnow()


def call_row(session: Session, call_id: int) -> CallRow:
    """The row of ``call_id``.

    Raises:
        NotFoundError: for an unknown call.
    """
    row = session.get(CallRow, call_id)
    if row is None:
        raise NotFoundError(
            f"no emergency call {call_id}",
            hint="list calls with GET /api/brain/emergency/calls",
        )
    return row


def change_call(
    session: Session, call_id: int, old: str, new: str, *, note: str | None = None, **values: Any
) -> bool:
    """Move ``call_id`` from status ``old`` to ``new`` (and set ``values``); False if it was not
    ``old`` any more.

    The check and the change are one UPDATE, so a cancel and the twin's arrival at the same
    moment cannot both win.
    """
    if note is not None:  # added to what the call's note says already (e.g. its incident)
        values["note"] = func.substr(func.coalesce(CallRow.note + "; ", "") + note, 1, 500)
    result = session.execute(
        update(CallRow)
        .where(CallRow.id == call_id, CallRow.status == old)
        .values(status=new, **values)
        .execution_options(synchronize_session="fetch")
    )
    return bool(getattr(result, "rowcount", 0) == 1)


def call_dict(row: CallRow) -> dict[str, Any]:
    """JSON-ready view of a call."""
    return {
        "id": row.id,
        "status": row.status,
        "unit": row.unit_id,
        "location": {"edge": row.edge_id, "pos_m": round(row.pos_m, 1),
                     "x": round(row.x_m, 1), "y": round(row.y_m, 1)},
        "eta_s": round(row.eta_s, 1),
        "route": list(row.route),
        "candidates": dict(row.candidates),
        "dispatched_sim_s": row.dispatched_sim_s,
        "arrived_sim_s": row.arrived_sim_s,
        "travel_time_s": (
            None if row.arrived_sim_s is None or row.dispatched_sim_s is None
            else round(row.arrived_sim_s - row.dispatched_sim_s, 1)
        ),
        "created_at": row.created_at.isoformat(),
        "arrived_at": row.arrived_at.isoformat() if row.arrived_at else None,
        "note": row.note,
    }  # fmt: skip


def recent_calls(session: Session, limit: int) -> list[CallRow]:
    """The newest calls first."""
    return list(session.scalars(select(CallRow).order_by(CallRow.id.desc()).limit(limit)))


def open_calls(session: Session) -> list[CallRow]:
    """Calls whose unit has not left the scene yet."""
    return list(
        session.scalars(select(CallRow).where(CallRow.status.in_(("dispatched", "on_scene"))))
    )


def busy_units(session: Session) -> list[UnitRow]:
    """Units that are not available."""
    return list(session.scalars(select(UnitRow).where(UnitRow.status != AVAILABLE)))
