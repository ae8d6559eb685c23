"""One libsumo run with emergency trips, with or without pre-emption; run it in a fresh process."""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hostcity.brain.control.errors import SimulationError
from hostcity.brain.control.scenario import Scenario
from hostcity.brain.emergency.adapters.preemption import Preemptor
from hostcity.brain.emergency.errors import NoRouteError
from hostcity.brain.emergency.planner import PlanParams, pick_far_pairs

EV_TYPE = "hostcity_emergency"
EV_PREFIX = "hostcity_ev_"


@dataclass(frozen=True)
class EvRunConfig:
    """What one run does.

    Attributes:
        trips: Emergency trips, departing one after another.
        warmup_s: Background traffic before the first emergency vehicle.
        interval_s: Time between two emergency departures.
        tail_s: Time left after the last departure for trips to end.
        preempt: Whether signals are pre-empted.
        bluelight: Give the emergency vehicles SUMO's bluelight device (others make way).
        pairs: Explicit (origin, destination) edges; chosen at random when empty.
        params: Planner timings.
    """

    trips: int = 3
    warmup_s: float = 300.0
    interval_s: float = 240.0
    tail_s: float = 900.0
    preempt: bool = True
    bluelight: bool = False
    pairs: tuple[tuple[str, str], ...] = ()
    params: PlanParams = field(default_factory=PlanParams)

    def end_s(self, begin_s: float) -> float:
        """When the run stops."""
        return begin_s + self.warmup_s + self.interval_s * (self.trips - 1) + self.tail_s


@dataclass(frozen=True)
class EvRunResult:
    """Measurements of one run.

    Attributes:
        ev_travel_times_s: Travel time of each emergency trip (None if it did not arrive).
        others_delay_s: Mean timeLoss + departDelay of the other vehicles.
        others_count: Other vehicles counted.
        preemptions: Signals taken over.
        ev_time_losses_s: SUMO's timeLoss of each emergency trip (None if it did not arrive):
            time lost to driving below the speed limit, so travel time minus time loss is the
            trip's free-flow time.
    """

    ev_travel_times_s: list[float | None]
    others_delay_s: float
    others_count: int
    preemptions: int
    ev_time_losses_s: list[float | None] = field(default_factory=list)


def run_ev_seed(scenario: Scenario, seed: int, workdir: Path, config: EvRunConfig) -> EvRunResult:
    """Run ``scenario`` with emergency trips in this process (libsumo: one run per process).

    Raises:
        NoRouteError: when two trip edges are not joined by a route.
        SimulationError: when SUMO fails.
    """
    import libsumo

    workdir.mkdir(parents=True, exist_ok=True)
    tripinfo = workdir / f"tripinfo.ev.{scenario.name}.{seed}.{uuid.uuid4().hex[:8]}.xml"
    end_s = min(scenario.end_s, config.end_s(scenario.begin_s))
    command = ["sumo", *scenario.sumo_args(end_s=end_s), "--seed", str(seed)]
    command += ["--tripinfo-output", str(tripinfo), "--tripinfo-output.write-unfinished", "true"]
    command += ["--no-step-log", "true", "--no-warnings", "true", "--duration-log.disable", "true"]
    command += ["--time-to-teleport", "300"]
    if config.bluelight:
        ids = ",".join(f"{EV_PREFIX}{index}" for index in range(config.trips))
        command += ["--device.bluelight.explicit", ids]
    try:
        libsumo.start(command)
    except Exception as exc:
        raise SimulationError(f"SUMO could not start {scenario.name}: {exc}") from exc
    try:
        _add_trips(libsumo, scenario, seed, config)
        preemptor = Preemptor(libsumo, config.params) if config.preempt else None
        while libsumo.simulation.getTime() < end_s:
            libsumo.simulationStep()
            if preemptor is not None:
                active = [v for v in libsumo.vehicle.getIDList() if v.startswith(EV_PREFIX)]
                preemptor.step(active)
    except libsumo.TraCIException as exc:
        raise SimulationError(f"SUMO failed running {scenario.name}: {exc}") from exc
    finally:
        libsumo.close()
    result = _read(tripinfo, config.trips, preemptor.preemptions if preemptor else 0)
    tripinfo.unlink(missing_ok=True)
    return result


def _add_trips(sumo: Any, scenario: Scenario, seed: int, config: EvRunConfig) -> list[float]:
    sumo.vehicletype.copy("DEFAULT_VEHTYPE", EV_TYPE)
    sumo.vehicletype.setVehicleClass(EV_TYPE, "emergency")
    sumo.vehicletype.setShapeClass(EV_TYPE, "emergency")
    sumo.vehicletype.setSpeedFactor(EV_TYPE, 1.2)
    sumo.vehicletype.setImperfection(EV_TYPE, 0.0)
    if config.pairs:
        routes = [_route(sumo, origin, destination) for origin, destination in config.pairs]
    else:
        routes = _random_routes(sumo, config.trips, seed)
    departs: list[float] = []
    for index, edges in enumerate(routes):
        route_id = f"{EV_PREFIX}route_{index}"
        sumo.route.add(route_id, edges)
        depart = scenario.begin_s + config.warmup_s + index * config.interval_s
        sumo.vehicle.add(f"{EV_PREFIX}{index}", route_id, typeID=EV_TYPE, depart=f"{depart:g}")
        departs.append(depart)
    return departs


def _route(sumo: Any, origin: str, destination: str) -> list[str]:
    try:
        edges = list(sumo.simulation.findRoute(origin, destination, vType=EV_TYPE).edges)
    except sumo.TraCIException as exc:
        edges, reason = [], f": {exc}"
    else:
        reason = ""
    if not edges:
        raise NoRouteError(
            f"no route for an emergency vehicle from edge {origin!r} to {destination!r}{reason}",
            hint="pick edges of the scenario's network that a road joins",
        )
    return edges


def _random_routes(sumo: Any, count: int, seed: int) -> list[list[str]]:
    """Routes between random far-apart edges; pairs without a route are skipped."""
    routes: list[list[str]] = []
    for origin, destination in pick_far_pairs(
        _candidate_edges(sumo), count * 20, seed=seed, minimum=count
    ):
        try:
            routes.append(_route(sumo, origin, destination))
        except NoRouteError:
            continue
        if len(routes) == count:
            return routes
    raise NoRouteError(
        f"found only {len(routes)} of {count} routes between far-apart edges",
        hint="lower --trips, or use a network whose roads are joined",
    )


def _candidate_edges(sumo: Any) -> list[tuple[str, float, float]]:
    """Edges with a lane cars may use, with the middle of that lane."""
    edges: list[tuple[str, float, float]] = []
    for edge in sumo.edge.getIDList():
        if edge.startswith(":"):
            continue
        for index in range(int(sumo.edge.getLaneNumber(edge))):
            lane = f"{edge}_{index}"
            allowed = sumo.lane.getAllowed(lane)
            if not allowed or "passenger" in allowed:
                shape = sumo.lane.getShape(lane)
                middle = shape[len(shape) // 2]
                edges.append((edge, float(middle[0]), float(middle[1])))
                break
    return edges


def _read(tripinfo: Path, trips: int, preemptions: int) -> EvRunResult:
    times: list[float | None] = [None] * trips
    losses: list[float | None] = [None] * trips
    delays: list[float] = []
    for _event, element in ET.iterparse(tripinfo, events=("end",)):
        if element.tag != "tripinfo":
            continue
        vehicle = element.get("id", "")
        arrived = float(element.get("arrival", "-1")) >= 0
        if vehicle.startswith(EV_PREFIX):
            index = int(vehicle.removeprefix(EV_PREFIX))
            times[index] = float(element.get("duration", "0")) if arrived else None
            losses[index] = float(element.get("timeLoss", "0")) if arrived else None
        else:
            delays.append(
                float(element.get("timeLoss", "0")) + float(element.get("departDelay", "0"))
            )
        element.clear()
    mean = sum(delays) / len(delays) if delays else 0.0
    return EvRunResult(times, mean, len(delays), preemptions, losses)
