"""One run of the twin in libsumo: start a scenario with loops, step, read loops and live state."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

from hostcity.brain.twin.adapters.sumo_net import read_network
from hostcity.brain.twin.detectors import (
    LoopAccumulator,
    detectors_xml,
    lane_signal_links,
    place_detectors,
)
from hostcity.brain.twin.types import (
    DetectorReading,
    DetectorSpec,
    Kpis,
    LiveState,
    NetworkGeometry,
)
from hostcity.core.errors import DependencyError, HostCityError, InputError
from hostcity.core.timeutil import utcnow

log = logging.getLogger(__name__)

TELEPORT_S = 300
"""A live twin should keep moving: vehicles stuck this long jump ahead instead of locking up."""


class ScenarioLike(Protocol):
    """What the twin needs of a scenario (``brain.control.scenario.Scenario`` fits)."""

    @property
    def name(self) -> str: ...
    @property
    def net_file(self) -> Path: ...
    @property
    def route_files(self) -> Sequence[Path]: ...
    @property
    def additional_files(self) -> Sequence[Path]: ...
    @property
    def begin_s(self) -> float: ...
    @property
    def end_s(self) -> float: ...


class ControlHook(Protocol):
    """Signal control driven from the twin's thread (``brain.control``'s ControlLoop fits)."""

    def set_controller(self, tls_id: str, name: str) -> None:
        """Switch ``tls_id`` to the controller called ``name``."""

    def step(self) -> None:
        """Decide and apply signal changes after a simulation step."""


ControlFactory = Callable[[Any], ControlHook]
"""Builds the control loop on the started ``libsumo`` module."""


class RunHook(Protocol):
    """A feature that acts in the running simulation (``brain.emergency``'s units fit)."""

    def attach(self, sumo: Any, control: Any, net_file: Path) -> None:
        """SUMO started: ``control`` is the control loop (or None), ``net_file`` the network."""

    def step(self, now_s: float) -> None:
        """After each simulation step, after the control loop."""

    def detach(self) -> None:
        """SUMO is about to close."""


BACKENDS = ("libsumo", "traci")
"""libsumo runs SUMO inside this process (fastest); TraCI runs it as a child process, so a SUMO
crash cannot take the server down with it."""


def sumo_backend(backend: str) -> tuple[Any, str]:
    """The ``libsumo`` or ``traci`` module and the binary name to start it with.

    Raises:
        InputError: for an unknown backend.
        DependencyError: when the module or the ``sumo`` binary is missing.
    """
    if backend not in BACKENDS:
        raise InputError(f"unknown SUMO backend {backend!r}", hint="use 'libsumo' or 'traci'")
    try:
        module = importlib.import_module(backend)
    except ImportError as exc:
        raise DependencyError(
            f"{backend} is not installed", hint="pip install libsumo==1.28.0 eclipse-sumo==1.28.0"
        ) from exc
    if backend == "libsumo":
        return module, "sumo"
    import sumolib

    binary = str(sumolib.checkBinary("sumo"))
    if not Path(binary).is_file():
        raise DependencyError(
            "the sumo binary was not found", hint="pip install eclipse-sumo==1.28.0"
        )
    return module, binary


class SumoTwinRun:
    """A SUMO simulation of ``scenario`` with a loop on every signalised approach.

    libsumo allows one simulation per process, so a process holds at most one open run;
    the 'traci' backend runs SUMO in a child process instead.
    """

    def __init__(
        self,
        scenario: ScenarioLike,
        *,
        workdir: Path,
        interval_s: float,
        seed: int,
        control_factory: ControlFactory | None = None,
        backend: str = "libsumo",
        hooks: Sequence[RunHook] = (),
    ) -> None:
        self.scenario = scenario
        self.hooks = hooks
        self.backend = backend
        self.workdir = workdir
        self.interval_s = interval_s
        self.seed = seed
        self._control_factory = control_factory
        self.control: ControlHook | None = None
        self.control_problem: str | None = None
        self.network: NetworkGeometry | None = None
        self.detectors: list[DetectorSpec] = []
        self._sumo: Any = None
        self._edge_ids: list[str] = []
        self._loops: LoopAccumulator | None = None

    @property
    def begin_s(self) -> float:
        """Simulated time the run starts at."""
        return float(self.scenario.begin_s)

    @property
    def time_compression(self) -> float:
        """Clock seconds each simulated second stands for (the scenario's; 1 when it has none)."""
        return float(getattr(self.scenario, "time_compression", 1.0))

    @property
    def net_file(self) -> Path:
        """The SUMO network the run simulates."""
        return Path(self.scenario.net_file)

    def open(self) -> None:
        """Read the network, write the detector file and start SUMO.

        Raises:
            InputError: for a broken scenario file.
            DependencyError: when libsumo is missing or SUMO refuses the scenario.
        """
        self.network, approaches = read_network(Path(self.scenario.net_file))
        self.detectors = place_detectors(approaches)
        self._edge_ids = [edge.edge_id for edge in self.network.edges]
        self.workdir.mkdir(parents=True, exist_ok=True)
        detector_file = self.workdir / "twin-detectors.add.xml"
        detector_file.write_text(detectors_xml(self.detectors, period_s=self.interval_s))
        additional = [*map(str, self.scenario.additional_files), str(detector_file)]
        sumo, binary = sumo_backend(self.backend)
        args = [binary, "-n", str(self.scenario.net_file)]
        if self.scenario.route_files:
            args += ["-r", ",".join(str(p) for p in self.scenario.route_files)]
        args += [
            "-a", ",".join(additional),
            "-b", f"{self.scenario.begin_s:g}",
            "-e", f"{self.scenario.end_s:g}",
            "--seed", str(self.seed),
            "--step-length", "1",
            "--time-to-teleport", str(TELEPORT_S),
            "--no-step-log", "true",
            "--no-warnings", "true",
        ]  # fmt: skip
        try:
            if self.backend == "traci":
                from sumolib.miscutils import getFreeSocketPort

                # a fixed port makes traci give up at once when SUMO exits, not respawn it
                sumo.start(args, port=getFreeSocketPort())
            else:
                sumo.start(args)
        except (sumo.TraCIException, sumo.FatalTraCIError) as exc:
            raise InputError(
                f"SUMO refused scenario {self.scenario.name!r}: {exc}",
                hint="check the scenario's network, route and additional files",
            ) from exc
        self._sumo = sumo
        self._loops = self._loop_accumulator()
        if self._control_factory is None:
            self.control_problem = "signal control is not installed"
        else:
            self._start_control(sumo, self._control_factory)
        for hook in self.hooks:
            hook.attach(sumo, self.control, Path(self.scenario.net_file))

    def _start_control(self, sumo: Any, factory: ControlFactory) -> None:
        try:
            self.control = factory(sumo)
        except HostCityError as exc:  # keep the twin up on the network's own programs
            log.warning("signal control could not start, junctions run fixed programs: %s", exc)
            self.control_problem = f"signal control could not start: {exc}"

    def _loop_accumulator(self) -> LoopAccumulator:
        """Per-step loop occupancy and green time, from the running traffic lights."""
        lights = self._sumo.trafficlight
        controlled = {str(tls): lights.getControlledLinks(tls) for tls in lights.getIDList()}
        return LoopAccumulator(
            lane_of={spec.detector_id: spec.lane_id for spec in self.detectors},
            links=lane_signal_links(controlled),
        )

    def step(self) -> float:
        """Advance one second; returns the simulated time after the step."""
        self._sumo.simulationStep()
        now = float(self._sumo.simulation.getTime())
        if self._loops is not None:
            loops = self._sumo.inductionloop
            occupancy = {
                spec.detector_id: float(loops.getLastStepOccupancy(spec.detector_id))
                for spec in self.detectors
            }
            lights = self._sumo.trafficlight
            states = {t: str(lights.getRedYellowGreenState(t)) for t in self._loops.lights}
            self._loops.add_step(1.0, occupancy, states)
        if self.control is not None:
            self.control.step()
        for hook in self.hooks:
            hook.step(now)
        return now

    def finished(self) -> bool:
        """True at the scenario's end or when no vehicle is left to run."""
        now = float(self._sumo.simulation.getTime())
        return now >= self.scenario.end_s or self._sumo.simulation.getMinExpectedNumber() <= 0

    def read_detectors(self, begin_s: float, end_s: float) -> list[DetectorReading]:
        """Every loop's last completed interval, stamped ``[begin_s, end_s]``.

        Occupancy is summed from each step (SUMO's interval figure leaves out a vehicle
        standing on the loop until it leaves), with the seconds of green each loop's lane had.
        """
        loops = self._sumo.inductionloop
        readings = []
        for spec in self.detectors:
            speed = float(loops.getLastIntervalMeanSpeed(spec.detector_id))
            green_s: float | None = None
            occupied_now: bool | None = None
            if self._loops is not None:
                occupancy, green_s, occupied_now = self._loops.take(
                    spec.detector_id, max(end_s - begin_s, 1e-9)
                )
                occupancy_pct = 100.0 * occupancy
            else:
                occupancy_pct = float(loops.getLastIntervalOccupancy(spec.detector_id))
            readings.append(
                DetectorReading(
                    detector_id=spec.detector_id,
                    begin_s=begin_s,
                    end_s=end_s,
                    vehicles=int(loops.getLastIntervalVehicleNumber(spec.detector_id)),
                    occupancy_pct=occupancy_pct,
                    mean_speed_mps=speed if speed >= 0 else None,
                    green_s=green_s,
                    occupied_now=occupied_now,
                )
            )
        return readings

    def snapshot(self, controllers: dict[str, str]) -> LiveState:
        """Speeds per edge, signal states and KPIs now."""
        sumo = self._sumo
        vehicles = sumo.vehicle.getIDList()
        speeds = [float(sumo.vehicle.getSpeed(v)) for v in vehicles]
        delays = [float(sumo.vehicle.getTimeLoss(v)) for v in vehicles]
        tls_ids = self.network.tls_ids if self.network else []
        return LiveState(
            sim_time_s=float(sumo.simulation.getTime()),
            observed_at=utcnow(),
            kpis=Kpis(
                vehicles=len(vehicles),
                mean_speed_mps=round(sum(speeds) / len(speeds), 2) if speeds else None,
                mean_delay_s=round(sum(delays) / len(delays), 1) if delays else None,
            ),
            edge_speed_mps={e: float(sumo.edge.getLastStepMeanSpeed(e)) for e in self._edge_ids},
            tls_state={t: str(sumo.trafficlight.getRedYellowGreenState(t)) for t in tls_ids},
            controllers=dict(controllers),
            vehicle_xy=tuple(
                (float(x), float(y)) for x, y in map(sumo.vehicle.getPosition, vehicles)
            ),
        )

    def set_controller(self, tls_id: str, name: str) -> None:
        """Switch one junction's controller; only 'fixed' works without ``brain.control``.

        Raises:
            DependencyError: for another controller when no control loop is available.
        """
        if self.control is not None:
            self.control.set_controller(tls_id, name)
        elif name != "fixed":
            raise DependencyError(
                f"controller {name!r} is unavailable: {self.control_problem}",
                hint="use 'fixed', or fix the problem and restart the twin",
            )

    def close(self) -> None:
        """Close SUMO; safe to call twice or after a failed start."""
        sumo, self._sumo = self._sumo, None
        if sumo is None:
            return
        try:
            for hook in self.hooks:
                hook.detach()
        finally:
            self._close(sumo)

    def _close(self, sumo: Any) -> None:
        try:
            sumo.close()
        except Exception as exc:  # a crashed simulation may refuse to close cleanly
            log.warning("SUMO (%s) did not close cleanly: %s", self.backend, exc)
