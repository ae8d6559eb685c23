"""A dispatch in a headless twin: warm the twin up, send a unit, and follow it to the scene."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from hostcity.brain.emergency.calls import CallLocation
from hostcity.brain.emergency.errors import EmergencyInputError
from hostcity.brain.emergency.service import EmergencyService
from hostcity.core.errors import DependencyError

POLL_S = 0.05
WARMUP_SPEED = 100.0
"""Simulated seconds per wall second until the dispatch: slow enough that polling (every
``POLL_S``) dispatches within a few simulated seconds of the warm-up's end."""
Progress = Callable[[float, str], None]


def dispatch_headless(
    platform: Any,
    where: CallLocation,
    *,
    unit_id: str | None = None,
    warmup_s: float = 300.0,
    limit_s: float = 1800.0,
    speed: float = 1e6,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Run ``settings.brain.scenario`` headless, dispatch after ``warmup_s`` and follow the unit.

    The twin runs in this process with the platform's emergency hook, so the dispatch goes
    through the same service as the API: live ETAs, the choice of unit, pre-emption.

    Returns:
        The call as stored at arrival (or at the limit), plus 'preemptions' and 'arrived'.

    Raises:
        EmergencyInputError: for a warm-up or limit out of range.
        DependencyError: when the twin fails.
        ConflictError: when no unit can go (busy, none reaches the call).
        OutsideNetworkError: for a location off the roads.
    """
    from hostcity.brain.emergency.adapters.live import EmergencyTwinHook
    from hostcity.brain.emergency.setup import SERVICE
    from hostcity.brain.twin.adapters.scenario import sumo_run_factory
    from hostcity.brain.twin.worker import TwinWorker

    if not 10 <= warmup_s <= 86_400 or not 60 <= limit_s <= 86_400:
        raise EmergencyInputError(
            f"warm-up {warmup_s:g} s or limit {limit_s:g} s is out of range",
            hint="use a warm-up of 10 s to a day and a limit of 60 s to a day",
        )
    report = progress or (lambda _f, _m: None)
    service: EmergencyService = platform.service(SERVICE)
    twin = platform.service("brain.twin")
    hooks = [h for h in twin.run_hooks if isinstance(h, EmergencyTwinHook)]
    settings = platform.settings
    worker = TwinWorker(
        twin,
        sumo_run_factory(settings, hooks=hooks),
        scenario=settings.brain.scenario,
        speed=min(speed, WARMUP_SPEED),
        default_controller=settings.brain.controller,
        stop_after_sim_s=warmup_s + limit_s,
        backoff_s=0.5,
        store_every_s=settings.brain.detector_interval_s,
    )
    before = sum(h.preemptions for h in hooks)
    worker.start()
    try:
        begin_s = _wait_for_warmup(worker, service, warmup_s, report)
        # the twin keeps running; the twin thread starts the order at its next step
        call = service.dispatch(where, unit_id=unit_id)
        # the unit gets the whole limit from the dispatch on, at full speed
        worker.stop_after_sim_s = worker.status.sim_time_s - begin_s + limit_s
        worker.speed = speed
        report(warmup_s / (warmup_s + limit_s), f"unit {call['unit']} dispatched")
        while not worker.join(POLL_S):
            call = service.call(call["id"])
            if call["status"] != "dispatched":
                break
            sim_s = worker.status.sim_time_s - begin_s
            report(sim_s / (warmup_s + limit_s), f"unit {call['unit']} driving")
    finally:
        worker.stop()
    if worker.status.restarts:
        raise DependencyError(f"the twin failed: {worker.status.last_error}")
    call = service.call(call["id"])
    call["arrived"] = call["arrived_sim_s"] is not None
    call["preemptions"] = sum(h.preemptions for h in hooks) - before
    return call


def _wait_for_warmup(
    worker: Any, service: EmergencyService, warmup_s: float, report: Progress
) -> float:
    """Wait until the twin has run ``warmup_s``; returns the simulated time it began at."""
    while True:
        status = worker.status
        if status.restarts or status.state == "finished":
            raise DependencyError(
                f"the twin stopped before the dispatch: {status.last_error or status.state}",
                hint="check the scenario with 'hostcity brain twin-run'",
            )
        if status.state.startswith("running") and service.ready():
            done_s = status.sim_time_s - status.begin_s
            if done_s >= warmup_s:
                return float(status.begin_s)
            report(done_s / warmup_s * 0.1, "warming up the twin")
        time.sleep(POLL_S)
