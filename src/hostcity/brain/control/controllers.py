"""Signal controllers: each decision is a pure function of a junction's observed state."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

from hostcity.brain.control.errors import ControllerError
from hostcity.brain.control.junction import Observation, TlsInfo


class Controller(ABC):
    """Chooses the green stage a junction runs next.

    ``decide`` returns the index of the green stage to run now: the running one to keep it,
    another to switch (the control loop inserts the yellow). Controllers whose ``native``
    names a SUMO program type ('static', 'actuated') are run by SUMO itself in simulations;
    their ``decide`` is the same rule in plain Python, for tests and other simulators.
    A controller that sets ``clears_junction_box`` is asked, after each yellow, whether to
    hold an all-red while cars still stand inside the junction (``hold_all_red``).
    """

    name: ClassVar[str]
    native: ClassVar[str | None] = None
    clears_junction_box: ClassVar[bool] = False

    def hold_all_red(self, box_halting_veh: float, red_s: float) -> bool:  # noqa: ARG002
        """Whether to extend the all-red after a yellow (asked only if ``clears_junction_box``).

        Args:
            box_halting_veh: Cars standing inside the junction on links that lost their green.
            red_s: Seconds of all-red so far.
        """
        return False

    def __init__(self, tls: TlsInfo) -> None:
        self.tls = tls

    @abstractmethod
    def decide(self, obs: Observation) -> int:
        """The green stage to run from now on, given what is observed."""

    def _next(self, phase: int) -> int:
        return (phase + 1) % len(self.tls.greens)


class FixedTime(Controller):
    """The junction's own plan: each stage for its programmed duration, in order."""

    name = "fixed"
    native = "static"

    def decide(self, obs: Observation) -> int:
        """Keep the stage until its programmed time is up, then take the next."""
        if obs.time_in_phase_s >= self.tls.greens[obs.phase].fixed_s:
            return self._next(obs.phase)
        return obs.phase


class Actuated(Controller):
    """Gap-based actuation: extend the stage while cars approach, within min and max green."""

    name = "actuated"
    native = "actuated"

    def decide(self, obs: Observation) -> int:
        """Extend while a served lane has a moving car, up to max green; else move on."""
        phase = self.tls.greens[obs.phase]
        if obs.time_in_phase_s < phase.min_green_s:
            return obs.phase
        arriving = any(
            obs.lane(link.in_lane).moving_veh > 0 for link in self.tls.served_links(obs.phase)
        )
        if arriving and obs.time_in_phase_s < phase.max_green_s:
            return obs.phase
        return self._next(obs.phase)


class MaxPressure(Controller):
    """Textbook max-pressure (Varaiya 2013): after min green, run the stage of highest pressure.

    The pressure of a stage is the sum over its links of the queue on the incoming lane minus
    the queue on the outgoing lane.
    """

    name = "max-pressure"
    min_green_s = 10.0

    def pressure(self, obs: Observation, phase: int) -> float:
        """Pressure of stage ``phase``."""
        return sum(
            obs.lane(link.in_lane).queue_veh - obs.lane(link.out_lane).queue_veh
            for link in self.tls.served_links(phase)
        )

    def decide(self, obs: Observation) -> int:
        """The stage of highest pressure, once the running one had its min green."""
        if obs.time_in_phase_s < max(self.min_green_s, self.tls.greens[obs.phase].min_green_s):
            return obs.phase
        pressures = [self.pressure(obs, p) for p in range(len(self.tls.greens))]
        best = max(range(len(pressures)), key=lambda p: (pressures[p], p == obs.phase))
        return obs.phase if pressures[obs.phase] >= pressures[best] else best


def _registry() -> dict[str, type[Controller]]:
    from hostcity.brain.control.hostcity_policy import HostCityController

    return {cls.name: cls for cls in (FixedTime, Actuated, MaxPressure, HostCityController)}


CONTROLLER_NAMES: tuple[str, ...] = ("fixed", "actuated", "max-pressure", "hostcity")


def check_controller_name(name: str) -> str:
    """Return ``name`` if it is a known controller.

    Raises:
        ControllerError: naming the valid controllers.
    """
    if name not in CONTROLLER_NAMES:
        raise ControllerError(
            f"unknown controller {name!r}",
            hint="use one of: " + ", ".join(CONTROLLER_NAMES),
        )
    return name


def make_controller(name: str, tls: TlsInfo) -> Controller:
    """A controller called ``name`` for junction ``tls``.

    Args:
        name: One of ``CONTROLLER_NAMES``.
        tls: The junction it controls.

    Raises:
        ControllerError: for an unknown name (an ``InputError``), listing the valid ones.
    """
    return _registry()[check_controller_name(name)](tls)
