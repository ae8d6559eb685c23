"""Records days of detector history by running the twin headless on day-shaped demand."""

from __future__ import annotations

import csv
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from hostcity.brain.control.scenario import DEMO, Scenario, scenario_file
from hostcity.brain.forecast.adapters.twin_store import FEATURES
from hostcity.brain.forecast.congestion import detector_places
from hostcity.brain.forecast.daily import (
    DAY_S,
    DayPlan,
    first_day,
    plan_days,
    reading_interval_s,
)
from hostcity.brain.forecast.errors import ForecastDataError
from hostcity.brain.forecast.types import STEP_S, FloatArray
from hostcity.brain.twin.adapters.tables import ObservationRow
from hostcity.brain.twin.clock import clock_reading
from hostcity.brain.twin.ngsi import reading_to_entity
from hostcity.brain.twin.types import DetectorReading, DetectorSpec, NetworkGeometry
from hostcity.core.db import session_scope
from hostcity.core.errors import DependencyError, HostCityError, InputError
from hostcity.core.timeutil import utcnow

log = logging.getLogger(__name__)

SOURCE = "history"
"""Source of recorded observations: kept apart from the live twin's, which are pruned daily."""
NEIGHBOURS = 3
DEFAULT_COMPRESSION = 4.0
"""Clock seconds per simulated second, as in the demo city: a day runs in six simulated hours."""

ProgressFn = Callable[[float, str], None]


class Ingest(Protocol):
    """Where recorded readings go: ``TwinService.ingest`` (the path live observations take)."""

    def __call__(self, payload: Any, *, source: str) -> Any:
        """Store a batch of ``TrafficFlowObserved`` entities; the result has ``stored``."""


@dataclass(frozen=True)
class HistoryRequest:
    """What to record.

    Attributes:
        scenario: 'demo', or the path of a .sumocfg or .net.xml (its network is used).
        days: Whole days to record, ending at the midnight (UTC) on or before ``end``.
        end: When the history ends; now when None.
        seed: Seed of the demand and of SUMO.
        time_compression: Clock seconds per simulated second (300 / it must be whole).
        hours: Record only the first hours of the first day (short test runs).
        backend: 'libsumo' (in process) or 'traci' (SUMO as a child process).
        controller: The signal controller of every junction: the live twin's
            (``brain.controller``), so that the history shows the queues the twin will.
    """

    scenario: str
    days: int
    end: datetime | None = None
    seed: int = 42
    time_compression: float = DEFAULT_COMPRESSION
    hours: float | None = None
    backend: str = "libsumo"
    controller: str = "fixed"


@dataclass
class Recording:
    """What a run measured, in the units of the store's series (veh/5 min, 0-1, km/h)."""

    start: datetime
    detectors: list[DetectorSpec]
    values: FloatArray
    plans: list[DayPlan]
    network: NetworkGeometry | None = None
    stored: int = 0
    replaced: int = 0
    overlapping: int = 0
    wall_s: float = 0.0
    controller: str = "fixed"

    def summary(self) -> dict[str, Any]:
        """JSON-ready figures of the run (what the CLI and the demo job report)."""
        steps, detectors, _ = self.values.shape
        return {
            "start": self.start.isoformat(),
            "steps": steps,
            "detectors": detectors,
            "stored": self.stored,
            "replaced": self.replaced,
            "overlapping": self.overlapping,
            "days": [p.to_dict() for p in self.plans],
            "controller": self.controller,
            "wall_s": round(self.wall_s, 1),
        }


def resolve_network(spec: str) -> tuple[str, Path, tuple[Path, ...]]:
    """Name, network and additional files of ``spec`` ('demo', a .sumocfg or a .net.xml).

    Raises:
        ScenarioError: for a missing file, a malformed config, or another kind of file.
    """
    from hostcity.brain.control.adapters import scenario_files

    if spec == DEMO:
        from hostcity.brain.control.adapters.demo_city import demo_net_file

        return DEMO, demo_net_file(), ()
    kind, path = scenario_file(spec, ("sumocfg", "net"))
    if kind == "sumocfg":
        config = scenario_files.from_sumocfg(path)
        return config.name, config.net_file, config.additional_files
    return path.name.split(".")[0], path, ()


def write_demand(
    plans: list[DayPlan], net_file: Path, path: Path, *, seed: int, time_compression: float
) -> int:
    """Write every day's trips, one day after the other in simulated time; returns how many."""
    from hostcity.brain.control.adapters.demo_city import _candidate_edges, write_trips
    from hostcity.brain.control.demand import Trip, make_day_trips

    edges, weights, venues = _candidate_edges(net_file)
    day_sim_s = DAY_S / time_compression
    trips: list[Trip] = []
    for k, plan in enumerate(plans):
        for trip in make_day_trips(edges, weights, venues, plan.profile, seed=seed + k):
            depart = round(trip.depart_s + k * day_sim_s, 1)
            trips.append(Trip(f"h{k}_{trip.id}", depart, trip.from_edge, trip.to_edge))
    trips.sort(key=lambda t: t.depart_s)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_trips(trips, path)
    return len(trips)


def record_history(
    request: HistoryRequest,
    *,
    workdir: Path,
    session_factory: sessionmaker[Session],
    ingest: Ingest,
    progress: ProgressFn | None = None,
) -> Recording:
    """Simulate the requested days, store a reading per loop every five clock minutes.

    Earlier recorded history of the same loops and days is replaced, so a rerun does not
    count twice.

    Raises:
        InputError: for bad days, compression, hours or scenario.
        ForecastDataError: for a network without signalised junctions (no loops to read).
        DependencyError: when SUMO is missing.
    """
    from hostcity.brain.twin.adapters.scenario import control_factory
    from hostcity.brain.twin.adapters.sumo_net import read_network
    from hostcity.brain.twin.adapters.sumo_twin import SumoTwinRun, sumo_backend

    report = progress or (lambda _f, _m: None)
    check_controller(request.controller)
    compression = request.time_compression
    interval_s = reading_interval_s(compression)
    start = first_day(request.days, request.end or utcnow())
    plans = plan_days(
        start.date(),
        request.days,
        base=_demo_profile(),
        seed=request.seed,
        time_compression=compression,
    )
    clock_s = _clock_length_s(request)
    sumo_backend(request.backend)
    name, net_file, additional = resolve_network(request.scenario)
    _, approaches = read_network(net_file)  # a broken network fails here, with its name
    if not approaches:
        raise ForecastDataError(
            f"{net_file} has no signalised junctions, so the twin places no loops to read",
            hint="use a network with traffic lights (netconvert --tls.guess true)",
        )
    report(0.0, "writing demand")
    trips = workdir / f"{name}.history.seed{request.seed}.trips.xml"
    write_demand(plans, net_file, trips, seed=request.seed, time_compression=compression)
    scenario = Scenario(name, net_file, (trips,), additional, 0.0, clock_s / compression)
    controlled = request.controller != "fixed"
    run = SumoTwinRun(
        scenario,
        workdir=workdir,
        interval_s=interval_s,
        seed=request.seed,
        backend=request.backend,
        control_factory=control_factory() if controlled else None,
    )
    started = time.monotonic()
    run.open()
    try:
        used = _control_every_junction(run, request.controller) if controlled else "fixed"
        steps = round(clock_s / STEP_S)
        recording = Recording(start, list(run.detectors), np.zeros(0), plans, run.network)
        recording.controller = used
        end = start + timedelta(seconds=clock_s)
        recording.replaced, recording.overlapping = _clear(session_factory, start, end)
        recording.values = _simulate(
            run, recording, steps=steps, compression=compression, ingest=ingest, report=report
        )
    finally:
        run.close()
    recording.wall_s = time.monotonic() - started
    return recording


def check_controller(name: str) -> None:
    """Raise when ``name`` is not a signal controller.

    Raises:
        InputError: naming the controllers there are.
    """
    from hostcity.brain.control.controllers import CONTROLLER_NAMES

    if name not in CONTROLLER_NAMES:
        raise InputError(
            f"unknown controller {name!r}", hint=f"use one of {', '.join(CONTROLLER_NAMES)}"
        )


def _control_every_junction(run: Any, controller: str) -> str:
    """Put every signalised junction of the opened ``run`` on ``controller``; returns the
    controller the history runs on: ``controller``, or 'fixed' when control cannot run here
    (as the live twin falls back)."""
    for tls in run.network.tls_ids:
        try:
            run.set_controller(tls, controller)
        except DependencyError as exc:
            log.warning("the history runs on fixed programs: %s", exc)
            return "fixed"
        except HostCityError as exc:  # e.g. a junction with no green a controller could choose
            log.info("junction %s keeps its fixed program in the history: %s", tls, exc)
    return controller


def _simulate(
    run: Any,
    recording: Recording,
    *,
    steps: int,
    compression: float,
    ingest: Ingest,
    report: ProgressFn,
) -> FloatArray:
    specs = {s.detector_id: s for s in run.detectors}
    column = {d: i for i, d in enumerate(specs)}
    values = np.zeros((steps, len(specs), len(FEATURES)))
    interval_s = run.interval_s
    batch: list[dict[str, Any]] = []
    per_batch = 12  # an hour of readings per transaction
    next_read, k = interval_s, 0
    while k < steps:
        now = run.step()
        if now < next_read - 1e-6:
            continue
        for reading in run.read_detectors(next_read - interval_s, next_read):
            clock = clock_reading(reading, compression)
            batch.append(reading_to_entity(clock, specs[clock.detector_id], epoch=recording.start))
            values[k, column[clock.detector_id]] = _features(clock)
        k += 1
        next_read += interval_s
        if batch and (k % per_batch == 0 or k == steps):
            recording.stored += ingest(batch, source=SOURCE).stored
            batch = []
        day = min(k * STEP_S // DAY_S, len(recording.plans) - 1)
        plan = recording.plans[day]
        kind = ("weekend" if plan.weekend else "weekday") + (", event" if plan.event else "")
        report(k / steps, f"day {day + 1}/{len(recording.plans)} {plan.day:%a %d %b} ({kind})")
    return values


def _features(reading: DetectorReading) -> list[float]:
    """Flow (veh per 5 min), occupancy (0-1) and speed (km/h, 0 when nothing passed)."""
    speed = reading.mean_speed_mps
    occupancy = min(1.0, max(0.0, reading.occupancy_pct / 100.0))
    return [float(reading.vehicles), occupancy, 0.0 if speed is None else speed * 3.6]


def _clock_length_s(request: HistoryRequest) -> float:
    total = request.days * DAY_S
    if request.hours is None:
        return float(total)
    if not STEP_S <= request.hours * 3600 <= total:
        raise InputError(
            f"--hours must be 5 minutes to {request.days * 24} h, got {request.hours:g}",
            hint="leave it out to record whole days",
        )
    return float(math.floor(request.hours * 3600 / STEP_S) * STEP_S)


def _demo_profile() -> Any:
    from hostcity.brain.control.adapters.demo_city import DEMO_PROFILE

    return DEMO_PROFILE


def _clear(
    session_factory: sessionmaker[Session], start: datetime, end: datetime
) -> tuple[int, int]:
    """Delete earlier recorded history in [start, end); count other sources' readings there."""
    inside = (ObservationRow.observed_to > start, ObservationRow.observed_from < end)
    with session_scope(session_factory) as session:
        result = session.execute(
            delete(ObservationRow).where(ObservationRow.source == SOURCE, *inside)
        )
        others = session.scalar(
            select(func.count())
            .select_from(ObservationRow)
            .where(ObservationRow.source != SOURCE, *inside)
        )
    return int(getattr(result, "rowcount", 0) or 0), int(others or 0)


def write_benchmark(recording: Recording, folder: Path) -> dict[str, Path]:
    """Write the recording in the benchmark format: .npz (T, N, F), graph CSV, detector list.

    Returns:
        Paths of 'data' (history.npz), 'graph' (history.csv, by column), 'detectors'
        (detectors.csv: column, id, edge, lane, x, y) and 'graph_by_id' (graph-by-id.csv, by
        detector id: for 'hostcity brain forecast train --graph' on the store).
    """
    folder.mkdir(parents=True, exist_ok=True)
    paths = {
        "data": folder / "history.npz",
        "graph": folder / "history.csv",
        "detectors": folder / "detectors.csv",
        "graph_by_id": folder / "graph-by-id.csv",
    }
    np.savez(paths["data"], data=recording.values)
    ids = [s.detector_id for s in recording.detectors]
    places = detector_places(recording.network, recording.detectors)
    xy = np.array([[places[d].x or 0.0, places[d].y or 0.0] for d in ids])
    edges = nearest_edges(xy, NEIGHBOURS)
    for key, name in (("graph", lambda i: i), ("graph_by_id", lambda i: ids[i])):
        with paths[key].open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["from", "to", "distance"])
            writer.writerows((name(a), name(b), d) for a, b, d in edges)
    with paths["detectors"].open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["column", "detector", "edge", "lane", "x", "y"])
        for i, d in enumerate(ids):
            p = places[d]
            writer.writerow([i, d, p.edge, p.lane, p.x, p.y])
    return paths


def nearest_edges(xy: FloatArray, neighbours: int) -> list[tuple[int, int, float]]:
    """Each point joined to its ``neighbours`` nearest others: (from, to, distance in metres)."""
    if len(xy) < 2:
        return []
    dist = np.linalg.norm(xy[:, None] - xy[None], axis=-1)
    edges: list[tuple[int, int, float]] = []
    for a in range(len(xy)):
        others = [int(b) for b in np.argsort(dist[a], kind="stable") if b != a]
        edges.extend((a, b, round(float(dist[a, b]), 1)) for b in others[:neighbours])
    return edges
