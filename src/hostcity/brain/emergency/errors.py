"""Errors of the emergency feature: bad input, missing routes, busy units, closed calls, no twin."""

from __future__ import annotations

from hostcity.core.errors import ConflictError, InputError


class EmergencyInputError(InputError):
    """An emergency trip or evaluation option cannot be used."""

    code = "bad_emergency_input"


class NoRouteError(EmergencyInputError):
    """No route joins the two edges of an emergency trip."""

    code = "no_route"


class UnitBusyError(ConflictError):
    """The unit asked for is already on a call."""

    code = "unit_busy"


class NoUnitAvailableError(ConflictError):
    """No available unit can reach the call."""

    code = "no_unit_available"


class OutsideNetworkError(EmergencyInputError):
    """A call location is too far from any road an emergency vehicle may use."""

    code = "outside_network"


class TwinNotReadyError(ConflictError):
    """The live twin has no road picture yet, so no live ETA can be computed."""

    code = "twin_not_ready"


class CallNotOpenError(ConflictError):
    """The call is closed, failed, cancelled or interrupted, so it cannot be cancelled."""

    code = "call_not_open"
