"""Runs ``incidents-eval``: one spawned process per seed (libsumo holds one run a process)."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from hostcity.brain.incidents.adapters.sumo_eval import EvalPlan
from hostcity.brain.incidents.evaluate import EvalScore, merge
from hostcity.core.errors import InputError

HISTORY_SEED_BASE = 100_000


def _one_seed(spec: str, workdir: str, plan: EvalPlan, seed: int) -> dict[str, Any]:
    """Child process: load the scenario, run one seed, return plain data."""
    from hostcity.brain.control.scenario import load_scenario
    from hostcity.brain.incidents.adapters.sumo_eval import record_history, run_eval_seed
    from hostcity.brain.incidents.adapters.sumo_graph import twin_detectors

    scenario = load_scenario(spec, Path(workdir), seed=seed, check=False)
    specs, graph = twin_detectors(scenario.net_file)
    past = []
    for run in range(plan.history_runs):
        # other seeds than any evaluated one: earlier days of the same demand
        seed_then = HISTORY_SEED_BASE + 100 * seed + run
        past += record_history(scenario, specs, plan, seed_then, Path(workdir), days_before=run + 1)
    result, alarms, injected = run_eval_seed(
        scenario, specs, graph, plan, seed, Path(workdir), past=past
    )
    return {
        "seed": seed,
        "scenario": scenario.name,
        "detectors": len(specs),
        "score": result,
        "alarms": [a.to_dict() for a in alarms],
        "injected": [i.__dict__ for i in injected],
    }


def run_evaluation(
    spec: str,
    workdir: Path,
    *,
    seeds: Sequence[int],
    plan: EvalPlan,
    workers: int = 1,
    report: Callable[[float, str], None] | None = None,
) -> dict[str, Any]:
    """Evaluate the detector on ``spec`` ('demo' or a SUMO file) over ``seeds``.

    Returns:
        ``detection_rate``, ``mean_time_to_detect_s``, ``p95_time_to_detect_s``,
        ``false_alarms_per_100_detector_hours`` and extras (per-seed figures, the plan).

    Raises:
        InputError: for no seeds or a bad plan.
        ScenarioError: for a scenario that cannot be loaded.
        SimulationError: when SUMO fails.
    """
    if not seeds:
        raise InputError("give at least one seed", hint="for example --seeds 1,2")
    if plan.incidents < 1 or plan.interval_s <= 0 or plan.incident_s <= 0:
        raise InputError("need --incidents >= 1, and positive interval and incident lengths")
    if plan.history_runs < 0:
        raise InputError("--history-runs must be 0 or more")
    workdir.mkdir(parents=True, exist_ok=True)
    context = multiprocessing.get_context("spawn")
    results: list[dict[str, Any]] = []
    with ProcessPoolExecutor(max_workers=max(1, workers), mp_context=context) as pool:
        futures = [pool.submit(_one_seed, spec, str(workdir), plan, s) for s in seeds]
        for done, future in enumerate(futures, start=1):
            results.append(future.result())
            if report is not None:
                report(done / len(futures), f"seed {results[-1]['seed']} done")
    scores: list[EvalScore] = [r["score"] for r in results]
    summary = merge(scores).to_dict()
    summary.update(
        {
            "scenario": results[0]["scenario"],
            "seeds": list(seeds),
            "detectors": results[0]["detectors"],
            "interval_s": plan.interval_s,
            "incident_s": plan.incident_s,
            "warmup_s": plan.warmup_s,
            "sensitivity": plan.sensitivity,
            "signal_aware": plan.signal_aware,
            "history_runs": plan.history_runs,
            "per_seed": [{"seed": r["seed"], **r["score"].to_dict()} for r in results],
        }
    )
    return summary
