"""Errors of the control feature: bad scenarios, unknown controllers, failed simulations."""

from __future__ import annotations

from hostcity.core.errors import DependencyError, InputError


class ScenarioError(InputError):
    """A scenario file (network, routes, config, OSM) cannot be used; names the file and line."""

    code = "bad_scenario"


class ControllerError(InputError):
    """An unknown controller name or a controller that does not fit a junction."""

    code = "bad_controller"


class SimulationError(DependencyError):
    """SUMO failed while running a scenario."""

    code = "simulation_failed"
