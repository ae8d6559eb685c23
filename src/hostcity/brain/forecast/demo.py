"""Demo seeder: record the demo city's own loops and train on them, so its forecasts work.

``hostcity demo`` queues one background job (``brain.forecast_demo``) that records
``brain.demo_history_days`` of detector history of the demo city in a child process and then
trains the forecast model on it, as ``hostcity brain forecast train`` does. Until the model is
saved, the forecast routes answer "forecasts are being prepared: N%" from the job's progress.
A later start on the same data directory finds the history and the model and does nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from hostcity.brain.forecast.adapters import model_store
from hostcity.brain.forecast.adapters.history_child import ChildRequest, HistoryChildren
from hostcity.brain.forecast.adapters.history_sim import DEFAULT_COMPRESSION, SOURCE
from hostcity.brain.forecast.daily import DAY_S
from hostcity.brain.forecast.errors import ForecastPreparingError, HistoryRecordingError
from hostcity.brain.forecast.setup import SERVICE
from hostcity.brain.forecast.training import TrainRequest, store_label, train_and_save
from hostcity.brain.forecast.types import STEP_S
from hostcity.brain.twin.adapters.tables import ObservationRow
from hostcity.core.db import session_scope
from hostcity.core.errors import NotFoundError
from hostcity.core.jobs import JobContext, JobStatus, get_job
from hostcity.core.timeutil import utcnow

if TYPE_CHECKING:
    from hostcity.core.platform import Platform
    from hostcity.core.settings import Settings

log = logging.getLogger(__name__)

JOB_KIND = "brain.forecast_demo"
SCENARIO = "demo"
DEMO_EPOCHS = 40
"""The learned model starts from scratch: on two recorded days it beats the historical average
after about 40 epochs (MAE 1.98 against 2.14, 44 s on one thread); after 10 it does not (2.16)."""
DEMO_MAX_S = 60.0
RECORD_SHARE = 0.6
"""Share of the job's progress bar for recording; training takes the rest."""
DAYS_ENV = "HOSTCITY_BRAIN__DEMO_HISTORY_DAYS"

ProgressFn = Callable[[float, str], None]


@dataclass(frozen=True)
class DemoHistory:
    """How much history the demo records (from ``brain.demo_history_*``).

    Attributes:
        days: Whole days, ending at the last midnight (UTC).
        hours: Only the first hours of those days, when set.
        seed: Seed of the demand.
    """

    days: int
    hours: float | None
    seed: int

    @classmethod
    def from_settings(cls, settings: Settings) -> DemoHistory:
        """The plan the settings ask for."""
        brain = settings.brain
        return cls(brain.demo_history_days, brain.demo_history_hours, brain.seed)

    @property
    def steps(self) -> int:
        """Five-minute steps per loop the plan records."""
        seconds = float(self.days * DAY_S)
        if self.hours is not None:
            seconds = min(self.hours * 3600, seconds)
        return int(seconds // STEP_S)

    def describe(self) -> str:
        """'2 days' or '8 h'."""
        if self.hours is not None:
            return f"{self.hours:g} h"
        return f"{self.days} day" + ("s" if self.days != 1 else "")


def recorded_steps(session_factory: sessionmaker[Session]) -> int:
    """Five-minute steps of recorded history per loop in the store (0 when there is none)."""
    with session_scope(session_factory) as session:
        rows, loops = session.execute(
            select(func.count(), func.count(ObservationRow.detector_id.distinct())).where(
                ObservationRow.source == SOURCE
            )
        ).one()
    return int(rows) // int(loops) if loops else 0


def store_model(settings: Settings) -> str | None:
    """The newest saved model trained on the recorded history, if any."""
    root = model_store.models_dir(settings)
    label = store_label(_train_request())
    for version in model_store.versions(root):
        if model_store.read_metadata(root, version)["data"].get("source") == label:
            return version
    return None


def seed_demo(platform: Platform) -> list[str]:
    """Queue the job that records the demo city's history and trains on it, unless done."""
    settings = platform.settings
    plan = DemoHistory.from_settings(settings)
    has_history = plan.days > 0 and recorded_steps(platform.session_factory) >= plan.steps
    version = store_model(settings)
    if version is not None and (has_history or plan.days == 0):
        return [f"forecast: using the model trained on the demo city's loops ({version})"]
    if plan.days == 0:
        return [
            f"forecast: no demo history recorded ({DAYS_ENV}=0); record some with "
            "'hostcity brain history demo --days 2', then 'hostcity brain forecast train'"
        ]
    params = {**asdict(plan), "record": not has_history, "end": utcnow().isoformat()}
    job_id = platform.jobs.submit(JOB_KIND, params)
    service = platform.service(SERVICE)
    service.preparation = JobPreparation(platform.session_factory, job_id)
    if has_history:
        return [
            f"forecast: training on the recorded history of the demo city's loops (job {job_id})"
        ]
    return [
        f"forecast: recording {plan.describe()} of the demo city's loops, then training the "
        f"forecast model (job {job_id}; forecasts appear when it is done)"
    ]


class DemoForecastJob:
    """Job ``brain.forecast_demo``: record history in a child process, then train on it.

    Args:
        children: Runs the recording children (a platform worker, so they stop with it).
    """

    def __init__(self, children: HistoryChildren) -> None:
        self.children = children

    def __call__(self, ctx: JobContext, params: Mapping[str, Any]) -> dict[str, Any]:
        """Run the job; returns what was recorded and the trained model's backtest."""
        settings = ctx.settings
        result: dict[str, Any] = {}
        if params.get("record", True):
            request = ChildRequest(
                database_url=settings.resolved_database_url,
                workdir=str(settings.data_dir / "forecast-history"),
                scenario=SCENARIO,
                days=int(params["days"]),
                hours=params.get("hours"),
                end=params.get("end"),
                seed=int(params.get("seed", settings.brain.seed)),
                time_compression=DEFAULT_COMPRESSION,
                controller=settings.brain.controller,  # the queues the live twin will show
            )
            result["history"] = self.children.record(
                request,
                log_file=settings.data_dir / "forecast-history" / "recorder.log",
                progress=self._part(ctx, 0.0, RECORD_SHARE, "recording detector history"),
            )
        start = RECORD_SHARE if params.get("record", True) else 0.0
        # after recording, train on what was just recorded, not on older partial recordings
        days = _length_days(params) if params.get("record", True) else None
        saved = train_and_save(
            _train_request(days),
            model_store.models_dir(settings),
            self._part(ctx, start, 1.0, "training"),
            ctx.session_factory,
        )
        result["model"] = {k: saved[k] for k in ("version", "chosen", "beats_baselines", "path")}
        result["backtest"] = _summary(saved)
        log.info("demo forecast model %s: %s", saved["version"], result["backtest"])
        return result

    def _part(self, ctx: JobContext, start: float, end: float, label: str) -> ProgressFn:
        """Progress of one phase mapped onto [start, end] of the job's; stops with the server."""

        def report(fraction: float, message: str) -> None:
            if self.children.stopping:
                raise HistoryRecordingError(
                    "preparing the demo forecasts stopped: the server is shutting down",
                    hint="start the server again to finish it",
                )
            ctx.progress(start + (end - start) * fraction, f"{label}: {message}")

        return report


class JobPreparation:
    """``ForecastService.preparation`` while the demo job runs: says how far it is."""

    def __init__(self, session_factory: sessionmaker[Session], job_id: str) -> None:
        self.session_factory = session_factory
        self.job_id = job_id

    def __call__(self) -> None:
        """Raise while the job runs, or with its error when it failed.

        Raises:
            ForecastPreparingError: while the job is queued or running.
            NotFoundError: when the job failed, with its error.
        """
        with session_scope(self.session_factory) as session:
            job = get_job(session, self.job_id)
        if job.status in (JobStatus.QUEUED, JobStatus.RUNNING):
            stage = f" ({job.message})" if job.message and job.message != "queued" else ""
            raise ForecastPreparingError(
                f"forecasts are being prepared: {round(100 * job.progress)}%{stage}",
                hint="the demo records its loops' history and trains a model on it; "
                f"follow job {self.job_id}",
            )
        if job.status is JobStatus.FAILED:
            raise NotFoundError(
                f"preparing the demo forecasts failed: {job.error}",
                hint="restart 'hostcity demo' to try again, or run 'hostcity brain history demo "
                "--days 2' and 'hostcity brain forecast train'",
            )


def _length_days(params: Mapping[str, Any]) -> float:
    plan = DemoHistory(int(params["days"]), params.get("hours"), 0)
    return plan.steps * STEP_S / DAY_S


def _train_request(store_days: float | None = None) -> TrainRequest:
    return TrainRequest(
        store_source=SOURCE,
        store_days=store_days,
        max_epochs=DEMO_EPOCHS,
        max_seconds=DEMO_MAX_S,
        threads=1,  # the server keeps serving while the demo model trains
    )


def _summary(saved: Mapping[str, Any]) -> dict[str, Any]:
    """Test MAE of every model, the data range, and which model serves forecasts."""
    metrics = saved["metrics"]
    return {
        "mae": {m["name"]: round(m["mae"], 2) for m in metrics["models"]},
        "best_baseline": saved["best_baseline"],
        "chosen": saved["chosen"],
        "steps": saved["data"]["steps"],
        "detectors": len(saved["sensor_ids"]),
    }
