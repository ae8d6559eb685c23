"""Signal control: scenarios, controllers (fixed, actuated, max-pressure, hostcity), evaluation."""

from hostcity.brain.control.controllers import CONTROLLER_NAMES, Controller, make_controller
from hostcity.brain.control.errors import ControllerError, ScenarioError, SimulationError
from hostcity.brain.control.junction import GreenPhase, LaneState, Link, Observation, TlsInfo
from hostcity.brain.control.scenario import Scenario, load_scenario

__all__ = [
    "CONTROLLER_NAMES",
    "Controller",
    "ControllerError",
    "GreenPhase",
    "LaneState",
    "Link",
    "Observation",
    "Scenario",
    "ScenarioError",
    "SimulationError",
    "TlsInfo",
    "load_scenario",
    "make_controller",
]
