"""Evaluation of a controller on a scenario: seeds run in parallel processes, metrics summarised."""

from __future__ import annotations

import multiprocessing
import os
import queue
import time
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

from hostcity.brain.control.controllers import check_controller_name
from hostcity.brain.control.errors import SimulationError
from hostcity.brain.control.metrics import SeedResult, summarise
from hostcity.brain.control.scenario import Scenario, load_scenario
from hostcity.core.errors import HostCityError, InputError
from hostcity.core.jobs import ProgressFn

DEFAULT_SEEDS = (1, 2, 3)
MAX_SEEDS = 32


def parse_seeds(text: str | Sequence[int]) -> list[int]:
    """Seeds from '1,2,3' (or a list), checked.

    Raises:
        InputError: for a non-integer, a negative or a repeated seed, or too many.
    """
    if isinstance(text, str):
        parts = [part.strip() for part in text.split(",") if part.strip()]
        try:
            seeds = [int(part) for part in parts]
        except ValueError:
            raise InputError(
                f"seeds {text!r} are not whole numbers", hint="write them like 1,2,3"
            ) from None
    else:
        seeds = [int(seed) for seed in text]
    if not seeds or len(seeds) > MAX_SEEDS:
        raise InputError(f"give between 1 and {MAX_SEEDS} seeds", hint="for example --seeds 1,2,3")
    if any(seed < 0 for seed in seeds) or len(set(seeds)) != len(seeds):
        raise InputError(f"seeds {seeds} must be distinct and not negative")
    return seeds


def _run_in_child(
    scenario: Scenario, controller: str, seed: int, workdir: Path, updates: Any
) -> SeedResult:
    """Entry point of a worker process: one seed, progress sent through ``updates``."""
    from hostcity.brain.control.adapters.runner import run_seed

    def report(fraction: float) -> None:
        updates.put((seed, fraction))

    return run_seed(scenario, controller, seed, workdir, report)


def evaluate(
    spec: str | Path,
    controller: str,
    *,
    seeds: Sequence[int] = DEFAULT_SEEDS,
    workdir: Path,
    progress: ProgressFn | None = None,
    workers: int | None = None,
    demand_seed: int = 42,
) -> dict[str, Any]:
    """Run ``spec`` headless with ``controller`` for each seed, in parallel, and report metrics.

    Args:
        spec: A scenario as ``load_scenario`` takes it ('demo', .sumocfg, .net.xml, .osm).
        controller: A controller name from ``CONTROLLER_NAMES``.
        seeds: SUMO seeds, one run each.
        workdir: Where generated files and tripinfo outputs go.
        progress: Called with (fraction, message) as runs advance.
        workers: Parallel processes (default: one per seed, at most the CPU count).
        demand_seed: Seed of generated demand (demo city, networks without routes); SUMO's
            own randomness follows ``seeds``.

    Returns:
        ``{scenario, controller, seeds, mean_delay_s, mean_travel_time_s, arrived, due,
        gridlock, per_seed}``.

    Raises:
        ControllerError: for an unknown controller.
        ScenarioError: for a scenario that cannot be loaded.
        SimulationError: when SUMO fails in a run.
    """
    check_controller_name(controller)
    chosen = parse_seeds(list(seeds))
    report = progress or (lambda _f, _m: None)
    report(0.0, "loading scenario")
    scenario = load_scenario(spec, workdir, seed=demand_seed)
    count = workers or min(len(chosen), os.cpu_count() or 1)
    context = multiprocessing.get_context("spawn")
    done: dict[int, float] = dict.fromkeys(chosen, 0.0)
    results: list[SeedResult] = []
    # a fresh process per seed: a second libsumo run in the same process does not repeat
    pool_of = ProcessPoolExecutor(count, mp_context=context, max_tasks_per_child=1)
    with context.Manager() as manager, pool_of as pool:
        updates = manager.Queue()
        futures: dict[Future[SeedResult], int] = {
            pool.submit(_run_in_child, scenario, controller, seed, workdir, updates): seed
            for seed in chosen
        }
        pending = set(futures)
        while pending:
            _drain(updates, done)
            finished = {f for f in pending if f.done()}
            for future in finished:
                results.append(_result_of(future, futures[future], scenario))
                done[futures[future]] = 1.0
            pending -= finished
            fraction = sum(done.values()) / len(done)
            report(min(fraction, 0.99), f"{len(results)}/{len(chosen)} seeds done")
            if pending:
                time.sleep(0.2)
    report(1.0, "done")
    return summarise(scenario.name, controller, results)


def _drain(updates: Any, done: dict[int, float]) -> None:
    while True:
        try:
            seed, fraction = updates.get_nowait()
        except queue.Empty:
            return
        done[seed] = max(done[seed], min(float(fraction), 0.99))


def _result_of(future: Future[SeedResult], seed: int, scenario: Scenario) -> SeedResult:
    try:
        return future.result()
    except HostCityError:
        raise
    except Exception as exc:  # a crashed worker process or libsumo error
        raise SimulationError(
            f"the run of {scenario.name} with seed {seed} failed: {exc}",
            hint="run it again with --debug, or check the scenario loads in sumo",
        ) from exc
