"""The control feature's service: evaluations and the controller catalogue for API, CLI, jobs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from hostcity.brain.control.controllers import CONTROLLER_NAMES, check_controller_name
from hostcity.brain.control.evaluate import DEFAULT_SEEDS, evaluate, parse_seeds
from hostcity.core.errors import InputError
from hostcity.core.jobs import JobContext, ProgressFn
from hostcity.core.settings import Settings

EVALUATE_JOB = "brain.evaluate"

CONTROLLER_HELP = {
    "fixed": "the network's own fixed-time programs",
    "actuated": "SUMO's gap-based actuated control on the same phases",
    "max-pressure": "textbook max-pressure (queue in minus queue out), 10 s min green",
    "hostcity": "pressure with spill-back blocking, gap-out, max green and max wait",
}


def workdir(settings: Settings) -> Path:
    """Where the control feature writes generated scenarios and run outputs."""
    return settings.data_dir / "brain" / "control"


def controller_catalogue() -> list[dict[str, str]]:
    """Every controller name with a one-line description."""
    return [{"name": name, "description": CONTROLLER_HELP[name]} for name in CONTROLLER_NAMES]


class ControlService:
    """Evaluation of controllers on scenarios, bound to the platform's settings."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def evaluate(
        self,
        scenario: str,
        controller: str,
        seeds: Sequence[int] = DEFAULT_SEEDS,
        *,
        progress: ProgressFn | None = None,
    ) -> dict[str, Any]:
        """Evaluate ``controller`` on ``scenario`` (see ``evaluate.evaluate``)."""
        return evaluate(
            scenario,
            controller,
            seeds=seeds,
            workdir=workdir(self.settings),
            progress=progress,
            demand_seed=self.settings.brain.seed,
        )


def evaluation_params(params: Mapping[str, Any]) -> tuple[str, str, list[int]]:
    """Checked (scenario, controller, seeds) of an evaluation request or job.

    Raises:
        InputError: for a missing scenario, an unknown controller or bad seeds.
    """
    scenario = params.get("scenario")
    if not isinstance(scenario, str) or not scenario.strip():
        raise InputError("an evaluation needs a scenario", hint="'demo' or a path to a .sumocfg")
    controller = check_controller_name(str(params.get("controller", "hostcity")))
    raw_seeds = params.get("seeds", list(DEFAULT_SEEDS))
    whole = isinstance(raw_seeds, list) and all(isinstance(s, int) for s in raw_seeds)
    if not (isinstance(raw_seeds, str) or whole):
        raise InputError(f"seeds {raw_seeds!r} are not a list of whole numbers")
    seeds = parse_seeds(raw_seeds)
    return scenario.strip(), controller, seeds


def evaluate_job(ctx: JobContext, params: Mapping[str, Any]) -> dict[str, Any]:
    """Job ``brain.evaluate``: params ``{scenario, controller, seeds}``; result as CLI JSON."""
    scenario, controller, seeds = evaluation_params(params)
    service = ControlService(ctx.settings)
    return service.evaluate(scenario, controller, seeds, progress=ctx.progress)
