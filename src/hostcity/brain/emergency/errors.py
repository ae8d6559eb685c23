"""Errors of the emergency feature: bad trips and routes that do not exist."""

from __future__ import annotations

from hostcity.core.errors import InputError


class EmergencyInputError(InputError):
    """An emergency trip or evaluation option cannot be used."""

    code = "bad_emergency_input"


class NoRouteError(EmergencyInputError):
    """No route joins the two edges of an emergency trip."""

    code = "no_route"
