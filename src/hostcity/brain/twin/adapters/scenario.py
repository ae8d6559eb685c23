"""Connects the twin to ``brain.control``: its scenario loader and its signal-control loop."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hostcity.brain.twin.adapters.sumo_twin import (
    ControlFactory,
    ControlHook,
    RunHook,
    ScenarioLike,
    SumoTwinRun,
)
from hostcity.core.errors import InputError
from hostcity.core.settings import Settings


def load_scenario(spec: str, workdir: Path, *, seed: int) -> ScenarioLike:
    """Build the scenario named by ``spec`` ('demo' or a path) with ``brain.control``'s loader.

    Raises:
        InputError: for a bad scenario (raised by the loader).
    """
    from hostcity.brain.control import scenario

    built: ScenarioLike = scenario.load_scenario(spec, workdir, seed=seed)
    return built


def control_factory() -> ControlFactory:
    """A factory of ``brain.control``'s ControlLoop on the running SUMO.

    Every junction starts on its fixed program; the twin then applies the chosen controllers.
    """
    from hostcity.brain.control.adapters.sumo_loop import ControlLoop

    def make_loop(sumo: Any) -> ControlHook:
        loop: ControlHook = ControlLoop(sumo, "fixed")
        return loop

    return make_loop


def sumo_run_factory(
    settings: Settings,
    *,
    backend: str = "libsumo",
    begin_s: float | None = None,
    hooks: Sequence[RunHook] = (),
) -> Any:
    """A factory of SUMO runs of ``settings.brain.scenario``, a new seed on each run.

    Args:
        settings: Scenario, seed, detector interval and data directory come from here.
        backend: 'libsumo' (in this process) or 'traci' (SUMO as a child process).
        begin_s: Start the scenario here instead of at its own begin (to watch a peak).
        hooks: Features acting in each run; a list is read at each run, so later additions count.
    """
    workdir = settings.data_dir / "twin"
    seeds = itertools.count(settings.brain.seed)

    def make_run() -> SumoTwinRun:
        seed = next(seeds)
        scenario = load_scenario(settings.brain.scenario, workdir / "scenario", seed=seed)
        if begin_s is not None:
            scenario = _starting_at(scenario, begin_s)
        return SumoTwinRun(
            scenario,
            workdir=workdir,
            interval_s=settings.brain.loop_read_s,
            seed=seed,
            control_factory=control_factory(),
            backend=backend,
            hooks=hooks,
        )

    return make_run


def _starting_at(scenario: ScenarioLike, begin_s: float) -> ScenarioLike:
    """``scenario`` started at ``begin_s``.

    Raises:
        InputError: when ``begin_s`` is outside the scenario's window.
    """
    if not scenario.begin_s <= begin_s < scenario.end_s:
        raise InputError(
            f"begin {begin_s:g} s is outside scenario {scenario.name!r} "
            f"({scenario.begin_s:g}-{scenario.end_s:g} s)",
            hint="pick a begin inside the scenario's window",
        )
    changed: ScenarioLike = dataclasses.replace(scenario, begin_s=begin_s)  # type: ignore[type-var]
    return changed
