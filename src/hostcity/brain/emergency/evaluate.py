"""Evaluation of pre-emption: the same emergency trips with and without it, per seed."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

from hostcity.brain.control.errors import SimulationError
from hostcity.brain.control.scenario import Scenario, load_scenario
from hostcity.brain.emergency.adapters.ev_run import EvRunConfig, EvRunResult, run_ev_seed
from hostcity.brain.emergency.planner import PlanParams, reduction
from hostcity.core.errors import HostCityError
from hostcity.core.jobs import ProgressFn


def _run_in_child(scenario: Scenario, seed: int, workdir: Path, config: EvRunConfig) -> EvRunResult:
    """Entry point of a worker process; it imports libsumo itself."""
    return run_ev_seed(scenario, seed, workdir, config)


def ev_evaluate(
    spec: str | Path,
    *,
    seeds: Sequence[int],
    workdir: Path,
    trips: int = 3,
    bluelight: bool = False,
    pairs: Sequence[tuple[str, str]] = (),
    progress: ProgressFn | None = None,
    workers: int | None = None,
    demand_seed: int = 42,
    params: PlanParams | None = None,
) -> dict[str, Any]:
    """Run emergency trips on ``spec`` with and without pre-emption for each seed.

    Both runs of a seed share the scenario, the background traffic, the SUMO seed and the
    emergency trips; only the signals differ.

    Args:
        spec: A scenario as ``load_scenario`` takes it ('demo', .sumocfg, .net.xml, .osm).
        seeds: SUMO seeds (also the seeds of the random trip edges).
        workdir: Where generated files and outputs go.
        trips: Emergency trips per run.
        bluelight: Give the emergency vehicles SUMO's bluelight device in both runs.
        pairs: Explicit (origin, destination) edges instead of random ones.
        progress: Called with (fraction, message) as runs finish.
        workers: Parallel processes (default 2, at most the CPU count).
        demand_seed: Seed of generated demand (demo city, networks without routes).
        params: Planner timings (default ``PlanParams()``).

    Returns:
        ``{scenario, seeds, trips, ev_travel_time_s, ev_travel_time_preempt_s, ev_reduction,
        ev_free_flow_s, ev_reduction_bound, others_delay_s, others_delay_preempt_s,
        others_delay_change, ev_arrived, ev_arrived_preempt, preemptions, per_trip}``.

    Raises:
        ScenarioError: for a scenario that cannot be loaded.
        NoRouteError: when trip edges are not joined by a route.
        SimulationError: when SUMO fails.
    """
    report = progress or (lambda _f, _m: None)
    report(0.0, "loading scenario")
    scenario = load_scenario(spec, workdir, seed=demand_seed)
    chosen = params or PlanParams()
    count = workers or min(2, os.cpu_count() or 1)
    jobs = [(seed, preempt) for seed in seeds for preempt in (False, True)]
    results: dict[tuple[int, bool], EvRunResult] = {}
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(count, mp_context=context) as pool:
        futures = {
            job: pool.submit(
                _run_in_child,
                scenario,
                job[0],
                workdir,
                EvRunConfig(
                    trips=len(pairs) or trips,
                    preempt=job[1],
                    bluelight=bluelight,
                    pairs=tuple(pairs),
                    params=chosen,
                ),
            )
            for job in jobs
        }
        for done, (job, future) in enumerate(futures.items(), start=1):
            results[job] = _result_of(future, job, scenario.name)
            report(done / len(jobs), f"{done}/{len(jobs)} runs done")
    report(1.0, "done")
    return summarise(scenario.name, list(seeds), results) | {
        "bluelight": bluelight,
        "resume": chosen.resume,
    }


def summarise(
    name: str, seeds: list[int], results: dict[tuple[int, bool], EvRunResult]
) -> dict[str, Any]:
    """The evaluation report from the runs, keyed by (seed, preempt).

    Travel times are compared only on trips that arrived in both runs. ``ev_free_flow_s`` is
    the mean of the normal runs' travel time minus SUMO's time loss: no signal strategy can
    beat it, so ``ev_reduction_bound`` is the most any pre-emption could cut.
    """
    per_trip: list[dict[str, Any]] = []
    for seed in seeds:
        base, pre = results[(seed, False)], results[(seed, True)]
        losses = base.ev_time_losses_s or [None] * len(base.ev_travel_times_s)
        for index, (t0, t1, loss) in enumerate(
            zip(base.ev_travel_times_s, pre.ev_travel_times_s, losses, strict=True)
        ):
            per_trip.append(
                {
                    "seed": seed,
                    "trip": index,
                    "travel_time_s": t0,
                    "preempt_s": t1,
                    "free_flow_s": None if t0 is None or loss is None else t0 - loss,
                }
            )
    both = [t for t in per_trip if t["travel_time_s"] is not None and t["preempt_s"] is not None]
    ev_base = _mean([t["travel_time_s"] for t in both])
    ev_pre = _mean([t["preempt_s"] for t in both])
    free = [t["free_flow_s"] for t in both if t["free_flow_s"] is not None]
    ev_free = _mean(free) if len(free) == len(both) else 0.0
    others_base = _mean([results[(s, False)].others_delay_s for s in seeds])
    others_pre = _mean([results[(s, True)].others_delay_s for s in seeds])
    return {
        "scenario": name,
        "seeds": seeds,
        "trips": len(per_trip),
        "ev_travel_time_s": ev_base,
        "ev_travel_time_preempt_s": ev_pre,
        "ev_reduction": reduction(ev_base, ev_pre),
        "ev_free_flow_s": ev_free,
        "ev_reduction_bound": reduction(ev_base, ev_free) if ev_free else 0.0,
        "ev_trip_reduction_mean": _mean(
            [reduction(t["travel_time_s"], t["preempt_s"]) for t in both]
        ),
        "others_delay_s": others_base,
        "others_delay_preempt_s": others_pre,
        "others_delay_change": reduction(others_base, others_pre),
        "ev_arrived": sum(t["travel_time_s"] is not None for t in per_trip),
        "ev_arrived_preempt": sum(t["preempt_s"] is not None for t in per_trip),
        "preemptions": sum(results[(s, True)].preemptions for s in seeds),
        "per_trip": per_trip,
    }


def _result_of(future: Future[EvRunResult], job: tuple[int, bool], name: str) -> EvRunResult:
    try:
        return future.result()
    except HostCityError:
        raise
    except Exception as exc:  # a crashed worker process (libsumo can abort) or a libsumo error
        mode = "with" if job[1] else "without"
        raise SimulationError(
            f"the run of {name} with seed {job[0]} {mode} pre-emption failed: {exc!r}",
            hint="run it again without --bluelight, or check the scenario loads in sumo",
        ) from exc


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0
