"""Emergency units: kinds, status transitions, station placement and the choice by ETA."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from hostcity.brain.emergency.errors import (
    EmergencyInputError,
    NoUnitAvailableError,
    UnitBusyError,
)
from hostcity.core.errors import NotFoundError

UNIT_KINDS = ("ambulance", "fire", "police")
AVAILABLE = "available"
DISPATCHED = "dispatched"
ON_SCENE = "on_scene"
RETURNING = "returning"
UNIT_STATUSES = (AVAILABLE, DISPATCHED, ON_SCENE, RETURNING)
TRANSITIONS: dict[str, frozenset[str]] = {
    AVAILABLE: frozenset({DISPATCHED}),
    # a dispatch the twin could not start, or a run that ended, sends the unit home at once;
    # a recalled unit already on the road turns back (returning)
    DISPATCHED: frozenset({ON_SCENE, AVAILABLE, RETURNING}),
    ON_SCENE: frozenset({RETURNING, AVAILABLE}),
    RETURNING: frozenset({AVAILABLE}),
}
MAX_NAME_CHARS = 200
_UNIT_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,48}$")


@dataclass(frozen=True)
class Unit:
    """An emergency unit and its home station.

    Attributes:
        unit_id: Short id, e.g. 'amb-1' (lower-case letters, digits, dashes).
        kind: 'ambulance', 'fire' or 'police'.
        name: Name shown to operators.
        station_edge: Network edge of the home station.
        station_pos_m: Position of the station along that edge.
        station_xy: Station in network x/y metres.
        status: One of ``UNIT_STATUSES``.
        call_id: The call the unit serves, if any.
    """

    unit_id: str
    kind: str
    name: str
    station_edge: str
    station_pos_m: float
    station_xy: tuple[float, float]
    status: str = AVAILABLE
    call_id: int | None = None


def check_unit_id(unit_id: str) -> str:
    """``unit_id`` if it is usable as a SUMO vehicle id part.

    Raises:
        EmergencyInputError: otherwise.
    """
    if not _UNIT_ID.match(unit_id):
        raise EmergencyInputError(
            f"unit id {unit_id!r} is not valid",
            hint="use 1 to 49 lower-case letters, digits or dashes, e.g. 'amb-1'",
        )
    return unit_id


def check_kind(kind: str) -> str:
    """``kind`` if it is a known unit kind.

    Raises:
        EmergencyInputError: otherwise.
    """
    if kind not in UNIT_KINDS:
        raise EmergencyInputError(
            f"unknown unit kind {kind!r}", hint=f"use one of: {', '.join(UNIT_KINDS)}"
        )
    return kind


def unit_name(name: str | None, unit_id: str) -> str:
    """The name shown for a unit: ``name`` trimmed, or its id when none is given.

    Raises:
        EmergencyInputError: for a name longer than ``MAX_NAME_CHARS`` or only blanks.
    """
    label = (name or unit_id).strip()
    if not label or len(label) > MAX_NAME_CHARS:
        raise EmergencyInputError(
            f"unit name must be 1 to {MAX_NAME_CHARS} characters, got {len(label)}",
            hint="give a name, or leave it out to show the unit id",
        )
    return label


def check_transition(unit_id: str, current: str, new: str) -> str:
    """``new`` if a unit may go from ``current`` to it.

    Raises:
        UnitBusyError: when the unit is not available for a dispatch.
        EmergencyInputError: for any other move the life cycle does not allow.
    """
    if new in TRANSITIONS.get(current, frozenset()):
        return new
    if new == DISPATCHED:
        raise UnitBusyError(
            f"unit {unit_id} is {current.replace('_', ' ')}, not available",
            hint="choose an available unit, or leave the choice to the fastest one",
        )
    raise EmergencyInputError(
        f"unit {unit_id} cannot go from {current} to {new}",
        hint="units go available -> dispatched -> on_scene -> returning -> available "
        "(a recalled unit goes dispatched -> returning)",
    )


def choose_unit(
    units: Sequence[Unit], etas_s: Mapping[str, float | None], chosen: str | None = None
) -> Unit:
    """The unit to send: ``chosen`` if given, else the available unit with the lowest ETA.

    Args:
        units: Every unit.
        etas_s: ETA of each available unit to the call; None when no route reaches it.
        chosen: A unit the operator picked.

    Raises:
        NotFoundError: for an unknown ``chosen`` unit.
        UnitBusyError: when ``chosen`` is not available.
        NoUnitAvailableError: when no available unit can reach the call.
    """
    by_id = {u.unit_id: u for u in units}
    if chosen is not None:
        unit = by_id.get(chosen)
        if unit is None:
            raise NotFoundError(
                f"no emergency unit {chosen!r}",
                hint="list units with GET /api/brain/emergency/units or 'hostcity brain units'",
            )
        check_transition(unit.unit_id, unit.status, DISPATCHED)
        if etas_s.get(unit.unit_id) is None:
            raise NoUnitAvailableError(
                f"no road leads from unit {unit.unit_id}'s station to the call",
                hint="choose another unit",
            )
        return unit
    ready = [
        (eta, u.unit_id)
        for u in units
        if u.status == AVAILABLE and (eta := etas_s.get(u.unit_id)) is not None
    ]
    if not ready:
        busy = sum(u.status != AVAILABLE for u in units)
        raise NoUnitAvailableError(
            f"no available unit can reach the call ({busy} of {len(units)} busy)",
            hint="wait for a unit to return, or add units",
        )
    return by_id[min(ready)[1]]


def spread_stations(
    candidates: Sequence[tuple[str, float, float]], count: int
) -> list[tuple[str, float, float]]:
    """``count`` candidates spread over the network: each next one farthest from those chosen.

    Starts from the candidate nearest the centre, so the first station is central. Deterministic.

    Args:
        candidates: ``(edge_id, x_m, y_m)``.
        count: Stations wanted.

    Raises:
        EmergencyInputError: when there are fewer candidates than stations.
    """
    if count < 1 or len(candidates) < count:
        raise EmergencyInputError(
            f"cannot place {count} stations on {len(candidates)} candidate edges",
            hint="use a larger network or fewer units",
        )
    cx = sum(c[1] for c in candidates) / len(candidates)
    cy = sum(c[2] for c in candidates) / len(candidates)
    chosen = [min(candidates, key=lambda c: (math.hypot(c[1] - cx, c[2] - cy), c[0]))]
    nearest = {c[0]: math.hypot(c[1] - chosen[0][1], c[2] - chosen[0][2]) for c in candidates}
    while len(chosen) < count:
        best = max(candidates, key=lambda c: (nearest[c[0]], c[0]))
        chosen.append(best)
        for c in candidates:
            nearest[c[0]] = min(nearest[c[0]], math.hypot(c[1] - best[1], c[2] - best[2]))
    return chosen
