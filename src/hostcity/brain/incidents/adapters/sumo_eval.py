"""One evaluation run in libsumo: learn profiles, block lanes at random, run the detector."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from hostcity.brain.control.errors import SimulationError
from hostcity.brain.control.scenario import Scenario
from hostcity.brain.incidents.adapters.stall import release_vehicle, stall_vehicle_over_loop
from hostcity.brain.incidents.detector import DetectorConfig, IncidentDetector
from hostcity.brain.incidents.evaluate import EvalScore, InjectedIncident, score
from hostcity.brain.incidents.profile import DAY_S, learn_profiles
from hostcity.brain.incidents.types import Alarm, DetectorNode, Sample
from hostcity.brain.twin.detectors import (
    LoopAccumulator,
    detectors_xml,
    lane_signal_links,
)
from hostcity.brain.twin.types import DetectorSpec
from hostcity.core.errors import InputError

MIN_LOOP_POS_M = 60.0
"""Lanes where the loop sits closer to the lane's start leave no room to stop a vehicle."""

FILL_S = 300.0
"""Time for an empty network to fill before the profiles are learned."""


@dataclass(frozen=True)
class EvalPlan:
    """What one evaluation run does.

    Attributes:
        incidents: Lanes to block, one after another.
        interval_s: Detector interval.
        warmup_s: Incident-free time the profiles are learned on.
        incident_s: How long each lane stays blocked.
        gap_s: Incident-free time at least between two incidents.
        min_rate_veh_per_h: Only lanes whose loop counts this much traffic are blocked.
        sensitivity: Detector sensitivity.
        signal_aware: Give the detector each loop's green seconds (as a twin or a signal
            controller can); False measures the loop-only rules.
        history_runs: Incident-free runs of the whole scenario (other seeds, as earlier
            days) learned from besides the warm-up; 0 learns from the warm-up alone.
        bucket_s: Time-of-day profile buckets when history runs are given.
    """

    incidents: int = 5
    interval_s: float = 10.0
    warmup_s: float = 1800.0
    incident_s: float = 300.0
    gap_s: float = 300.0
    min_rate_veh_per_h: float = 60.0
    sensitivity: float = 1.0
    signal_aware: bool = True
    history_runs: int = 0
    bucket_s: float = 900.0

    def eval_s(self) -> float:
        """Length of the evaluated window after the warm-up."""
        return self.incidents * (self.incident_s + self.gap_s) + self.gap_s


def _read(
    sumo: Any, ids: list[str], end_s: float, interval_s: float, loops: LoopAccumulator
) -> list[Sample]:
    """One interval's samples; occupancy and green seconds from per-step sampling."""
    samples = []
    for det in ids:
        speed = float(sumo.inductionloop.getLastIntervalMeanSpeed(det))
        occupancy, green_s, occupied_now = loops.take(det, interval_s)
        samples.append(
            Sample(
                detector_id=det,
                end_s=end_s,
                interval_s=interval_s,
                vehicles=float(sumo.inductionloop.getLastIntervalVehicleNumber(det)),
                occupancy=occupancy,
                speed_mps=speed if speed >= 0 else None,
                green_s=green_s,
                occupied_now=occupied_now,
            )
        )
    return samples


def signal_accumulator(sumo: Any, specs: list[DetectorSpec]) -> LoopAccumulator:
    """A ``LoopAccumulator`` for ``specs`` on the running simulation's traffic lights."""
    lights = sumo.trafficlight
    controlled = {str(tls): lights.getControlledLinks(tls) for tls in lights.getIDList()}
    return LoopAccumulator(
        lane_of={spec.detector_id: spec.lane_id for spec in specs},
        links=lane_signal_links(controlled),
    )


def _sample_step(sumo: Any, ids: list[str], loops: LoopAccumulator) -> None:
    """Add this step's loop occupancy and signal states (a real loop reports a standing car)."""
    occupancy = {det: float(sumo.inductionloop.getLastStepOccupancy(det)) for det in ids}
    states = {str(t): str(sumo.trafficlight.getRedYellowGreenState(t)) for t in loops.lights}
    loops.add_step(1.0, occupancy, states)


def _related(graph: Mapping[str, DetectorNode], detector_id: str) -> tuple[str, ...]:
    node = graph[detector_id]
    near = set(node.upstream) | set(node.neighbours)
    for up in node.upstream:
        near |= set(graph[up].upstream) | set(graph[up].neighbours)
    return tuple(sorted(near - {detector_id}))


def run_eval_seed(  # noqa: PLR0917 - one run is many plain inputs
    scenario: Scenario,
    specs: list[DetectorSpec],
    graph: Mapping[str, DetectorNode],
    plan: EvalPlan,
    seed: int,
    workdir: Path,
    report: Callable[[float], None] | None = None,
    past: list[Sample] | None = None,
) -> tuple[EvalScore, list[Alarm], list[InjectedIncident]]:
    """Run ``scenario`` once with lane closures and score the detector.

    ``past`` adds incident-free samples of earlier runs (``record_history``) to the warm-up,
    as a deployment learns each time of day from earlier days.

    Raises:
        InputError: when the scenario is too short for the plan.
        SimulationError: when SUMO fails.
    """
    import libsumo

    start_s = scenario.begin_s + FILL_S
    eval_from_s = start_s + plan.warmup_s
    end_s = eval_from_s + plan.eval_s()
    if end_s > scenario.end_s + 1e-6:
        raise InputError(
            f"scenario {scenario.name} lasts {scenario.duration_s:g} s; this plan needs "
            f"{end_s - scenario.begin_s:g} s",
            hint="use fewer incidents, a shorter warm-up or shorter incidents",
        )
    rng = random.Random(seed)
    ids = sorted(graph)
    additional = _start(libsumo, scenario, specs, plan, seed, workdir, end_s)
    history: list[Sample] = list(past or [])
    alarms: list[Alarm] = []
    injected: list[InjectedIncident] = []
    detector: IncidentDetector | None = None
    schedule: list[tuple[float, float]] = []
    active: tuple[str, str, float] | None = None
    pending: InjectedIncident | None = None
    pos_by_lane = {spec.lane_id: spec.pos_m for spec in specs}
    neighbours = {det: node.peers for det, node in graph.items()}
    try:
        loops = signal_accumulator(libsumo, specs)
        if not plan.signal_aware:
            loops = replace(loops, links={})
        next_read = _next_multiple(float(libsumo.simulation.getTime()), plan.interval_s)
        while (now := float(libsumo.simulation.getTime())) < end_s:
            libsumo.simulationStep()
            now = float(libsumo.simulation.getTime())
            if active is not None and now >= active[2]:
                release_vehicle(libsumo, active[0])
                active = None
            if pending is not None and active is None:
                vehicle = stall_vehicle_over_loop(
                    libsumo, pending.lane_id, pos_by_lane[pending.lane_id]
                )
                if vehicle is not None:
                    stop_s = now + plan.incident_s
                    active = (vehicle, pending.lane_id, stop_s)
                    injected.append(replace(pending, start_s=now, end_s=stop_s))
                    pending = None
                elif now > pending.end_s:
                    pending = None  # no vehicle came by: the lane stays open this slot
            if schedule and now >= schedule[0][0] and detector is not None:
                begin, stop = schedule.pop(0)
                lane = _pick_lane(detector, graph, rng, plan, pos_by_lane)
                if lane is not None:
                    node = next(n for n in graph.values() if n.lane_id == lane)
                    pending = InjectedIncident(
                        lane_id=lane,
                        edge_id=node.edge_id,
                        detector_id=node.detector_id,
                        start_s=begin,
                        end_s=stop,
                        kind="stopped-vehicle",
                        related=_related(graph, node.detector_id),
                    )
            _sample_step(libsumo, ids, loops)
            if now + 1e-6 < next_read:
                continue
            next_read += plan.interval_s
            samples = _read(libsumo, ids, now, plan.interval_s, loops)
            if now <= start_s:
                continue
            if now <= eval_from_s:
                history.extend(samples)
                if now + plan.interval_s > eval_from_s:
                    config = DetectorConfig(sensitivity=plan.sensitivity)
                    bucket_s = plan.bucket_s if past else 3600.0
                    book = learn_profiles(history, bucket_s=bucket_s, neighbours=neighbours)
                    detector = IncidentDetector(graph, book, config)
                    schedule = _schedule(eval_from_s, plan, rng)
                continue
            if detector is not None:
                alarms.extend(detector.process(samples))
            if report is not None:
                report((now - scenario.begin_s) / (end_s - scenario.begin_s))
    except libsumo.TraCIException as exc:
        raise SimulationError(f"SUMO failed running {scenario.name}: {exc}") from exc
    finally:
        libsumo.close()
        additional.unlink(missing_ok=True)
    hours = len(ids) * (end_s - eval_from_s) / 3600.0
    return score(injected, alarms, detector_hours=hours), alarms, injected


def _start(  # noqa: PLR0917 - one run is many plain inputs
    sumo: Any,
    scenario: Scenario,
    specs: list[DetectorSpec],
    plan: EvalPlan,
    seed: int,
    workdir: Path,
    end_s: float,
) -> Path:
    """Start SUMO with the twin's loops; returns the loop file to delete after the run."""
    workdir.mkdir(parents=True, exist_ok=True)
    additional = workdir / f"incident-loops.{seed}.add.xml"
    additional.write_text(detectors_xml(specs, period_s=plan.interval_s))
    args = scenario.sumo_args(end_s=end_s)
    if scenario.additional_files:
        index = args.index("--additional-files")
        args[index + 1] += "," + str(additional)
    else:
        args += ["--additional-files", str(additional)]
    command = ["sumo", *args, "--seed", str(seed), "--no-step-log", "true"]
    command += ["--no-warnings", "true", "--duration-log.disable", "true"]
    command += ["--time-to-teleport", "600", "--step-length", "1"]
    try:
        sumo.start(command)
    except Exception as exc:
        additional.unlink(missing_ok=True)
        raise SimulationError(f"SUMO could not start {scenario.name}: {exc}") from exc
    return additional


def record_history(
    scenario: Scenario,
    specs: list[DetectorSpec],
    plan: EvalPlan,
    seed: int,
    workdir: Path,
    *,
    days_before: int = 1,
) -> list[Sample]:
    """The loop samples of one incident-free run of the whole scenario, as an earlier day.

    Samples are stamped ``days_before`` days earlier than the scenario's clock, so runs
    learned together keep their own standing and quiet runs, and their time of day.

    Raises:
        SimulationError: when SUMO fails.
    """
    import libsumo

    ids = sorted(spec.detector_id for spec in specs)
    additional = _start(libsumo, scenario, specs, plan, seed, workdir, scenario.end_s)
    samples: list[Sample] = []
    try:
        loops = signal_accumulator(libsumo, specs)
        if not plan.signal_aware:
            loops = replace(loops, links={})
        next_read = _next_multiple(float(libsumo.simulation.getTime()), plan.interval_s)
        while float(libsumo.simulation.getTime()) < scenario.end_s:
            libsumo.simulationStep()
            now = float(libsumo.simulation.getTime())
            _sample_step(libsumo, ids, loops)
            if now + 1e-6 < next_read:
                continue
            next_read += plan.interval_s
            batch = _read(libsumo, ids, now, plan.interval_s, loops)
            if now > scenario.begin_s + FILL_S:
                samples.extend(replace(s, end_s=s.end_s - days_before * DAY_S) for s in batch)
    except libsumo.TraCIException as exc:
        raise SimulationError(f"SUMO failed running {scenario.name}: {exc}") from exc
    finally:
        libsumo.close()
        additional.unlink(missing_ok=True)
    return samples


def _next_multiple(t_s: float, step_s: float) -> float:
    return (int(t_s // step_s) + 1) * step_s


def _schedule(eval_from_s: float, plan: EvalPlan, rng: random.Random) -> list[tuple[float, float]]:
    """Incidents one after another, each at a random time inside its own slot."""
    slots: list[tuple[float, float]] = []
    slot_s = plan.incident_s + plan.gap_s
    for index in range(plan.incidents):
        slot_from = eval_from_s + plan.gap_s + index * slot_s
        begin = slot_from + rng.uniform(0.0, plan.gap_s * 0.5)
        begin = float(round(begin))
        slots.append((begin, begin + plan.incident_s))
    return slots


def _pick_lane(
    detector: IncidentDetector,
    graph: Mapping[str, DetectorNode],
    rng: random.Random,
    plan: EvalPlan,
    pos_by_lane: Mapping[str, float],
) -> str | None:
    """A random detector lane that carries enough traffic and is long enough to stop on."""
    book = detector.profiles
    candidates = [
        node.lane_id
        for node in graph.values()
        if pos_by_lane.get(node.lane_id, 0.0) >= MIN_LOOP_POS_M
        and (profile := book.all_day.get(node.detector_id)) is not None
        and profile.rate_veh_per_s * 3600.0 >= plan.min_rate_veh_per_h
    ]
    return rng.choice(sorted(candidates)) if candidates else None
