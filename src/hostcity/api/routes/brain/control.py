"""Routes of the control feature: the controller catalogue and evaluation jobs."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from hostcity.api.deps import AnyUser, Operator, PlatformDep
from hostcity.api.inputs import InputModel
from hostcity.brain.control.service import EVALUATE_JOB, controller_catalogue, evaluation_params

router = APIRouter(tags=["brain: control"])


class EvaluationRequest(InputModel):
    """Start an evaluation: a scenario, a controller and SUMO seeds."""

    scenario: str = Field(description="'demo' or a path on the server to a .sumocfg/.net.xml/.osm")
    controller: str = Field(
        default="hostcity", description="fixed, actuated, max-pressure, hostcity"
    )
    seeds: list[int] = Field(default_factory=lambda: [1, 2, 3], description="SUMO seeds")


class JobStarted(BaseModel):
    """An accepted job; follow it at /api/jobs/{job_id}."""

    job_id: str
    kind: str


@router.get("/controllers")
def list_controllers(_user: AnyUser, _platform: PlatformDep) -> dict[str, Any]:
    """The signal controllers a junction can run."""
    return {"controllers": controller_catalogue()}


@router.post("/evaluations", status_code=status.HTTP_202_ACCEPTED)
def start_evaluation(body: EvaluationRequest, user: Operator, platform: PlatformDep) -> JobStarted:
    """Start a ``brain.evaluate`` job (operator only); the result is the CLI's JSON report."""
    scenario, controller, seeds = evaluation_params(body.model_dump())
    params = {"scenario": scenario, "controller": controller, "seeds": seeds}
    job_id = platform.jobs.submit(EVALUATE_JOB, params, owner_id=user.user_id)
    return JobStarted(job_id=job_id, kind=EVALUATE_JOB)
