"""One headless evaluation run in libsumo: a seed, a controller, tripinfo parsed into metrics."""

from __future__ import annotations

import contextlib
import time
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from hostcity.brain.control.errors import SimulationError
from hostcity.brain.control.metrics import SeedResult, TripRecord, seed_result
from hostcity.brain.control.scenario import Scenario

GRIDLOCK_AFTER_S = 600.0  # no signal cycle or give-way explains 10 min without moving
STANDSTILL_CHECK_S = 10
PROGRESS_EVERY_S = 60


def scheduled_departures(route_files: tuple[Path, ...]) -> dict[str, float]:
    """Scheduled departure of every vehicle and trip (and regular flow) in the route files."""
    departs: dict[str, float] = {}
    for path in route_files:
        for _event, element in ET.iterparse(path, events=("end",)):
            tag, depart = element.tag, element.get("depart")
            if tag in ("vehicle", "trip") and depart is not None:
                # 'triggered' or 'now' has no schedule to charge against
                with contextlib.suppress(ValueError):
                    departs[element.get("id", "")] = float(depart)
            elif tag == "flow":
                departs.update(_flow_departures(element))
            if tag in ("vehicle", "trip", "flow"):
                element.clear()
    return departs


def _flow_departures(flow: ET.Element) -> Iterator[tuple[str, float]]:
    """Departures of a flow with a fixed period, vehsPerHour or number (random flows skipped)."""
    begin = float(flow.get("begin", "0"))
    end = float(flow.get("end", "3600"))
    period: float | None = None
    if flow.get("period") and not flow.get("period", "").startswith("exp"):
        period = float(flow.get("period", "0"))
    elif flow.get("vehsPerHour"):
        period = 3600.0 / float(flow.get("vehsPerHour", "1"))
    elif flow.get("number"):
        period = (end - begin) / max(1, int(flow.get("number", "1")))
    if not period or period <= 0:
        return
    index, depart = 0, begin
    while depart < end:
        yield f"{flow.get('id')}.{index}", depart
        index, depart = index + 1, depart + period


def read_tripinfo(path: Path) -> list[TripRecord]:
    """Trip records from a tripinfo file written with ``write-unfinished``."""
    records: list[TripRecord] = []
    for _event, element in ET.iterparse(path, events=("end",)):
        if element.tag != "tripinfo":
            continue
        records.append(
            TripRecord(
                id=element.get("id", ""),
                delay_s=float(element.get("timeLoss", "0"))
                + float(element.get("departDelay", "0")),
                duration_s=float(element.get("duration", "0")),
                arrived=float(element.get("arrival", "-1")) >= 0,
            )
        )
        element.clear()
    return records


def sumo_command(scenario: Scenario, *, seed: int, tripinfo: Path) -> list[str]:
    """The SUMO command line of an evaluation run."""
    return [
        "sumo",
        *scenario.sumo_args(),
        "--seed", str(seed),
        "--time-to-teleport", "-1",
        "--tripinfo-output", str(tripinfo),
        "--tripinfo-output.write-unfinished", "true",
        "--no-step-log", "true",
        "--no-warnings", "true",
        "--duration-log.disable", "true",
    ]  # fmt: skip


def run_seed(
    scenario: Scenario,
    controller: str,
    seed: int,
    workdir: Path,
    report: Callable[[float], None] | None = None,
) -> SeedResult:
    """Run ``scenario`` once with ``controller`` everywhere, in this process, with libsumo.

    libsumo holds one simulation per process: call this in a fresh process for each seed.

    Raises:
        SimulationError: when SUMO fails.
    """
    import libsumo

    from hostcity.brain.control.adapters.sumo_loop import ControlLoop

    workdir.mkdir(parents=True, exist_ok=True)
    # unique per run: two evaluations of the same scenario may share the workdir
    tripinfo = workdir / f"tripinfo.{scenario.name}.{controller}.{seed}.{uuid.uuid4().hex[:8]}.xml"
    started = time.monotonic()
    try:
        libsumo.start(sumo_command(scenario, seed=seed, tripinfo=tripinfo))
    except Exception as exc:
        raise SimulationError(f"SUMO could not start {scenario.name}: {exc}") from exc
    max_standstill_s = 0.0
    try:
        loop = ControlLoop(libsumo, controller)
        step = 0
        while libsumo.simulation.getTime() < scenario.end_s:
            libsumo.simulationStep()
            loop.step()
            step += 1
            if step % STANDSTILL_CHECK_S == 0:
                max_standstill_s = max(max_standstill_s, _longest_standstill(libsumo))
            if report is not None and step % PROGRESS_EVERY_S == 0:
                report((libsumo.simulation.getTime() - scenario.begin_s) / scenario.duration_s)
    except libsumo.TraCIException as exc:
        raise SimulationError(f"SUMO failed running {scenario.name}: {exc}") from exc
    finally:
        libsumo.close()
    records = read_tripinfo(tripinfo)
    tripinfo.unlink(missing_ok=True)
    return seed_result(
        seed,
        records,
        scheduled_departures(scenario.route_files),
        scenario.end_s,
        begin_s=scenario.begin_s,
        max_standstill_s=max_standstill_s,
        gridlock_after_s=GRIDLOCK_AFTER_S,
        wall_s=time.monotonic() - started,
    )


def _longest_standstill(sumo: Any) -> float:
    waits = [sumo.vehicle.getWaitingTime(v) for v in sumo.vehicle.getIDList()]
    return float(max(waits, default=0.0))
