"""Demo seeder: a synthetic detector corridor and a quick model, so forecasts work at once."""

from __future__ import annotations

import csv
from typing import TYPE_CHECKING

import numpy as np

from hostcity.brain.forecast.adapters.model_store import models_dir, versions
from hostcity.brain.forecast.synthetic import corridor
from hostcity.brain.forecast.training import JOB_KIND, TrainRequest

if TYPE_CHECKING:
    from hostcity.core.platform import Platform

DEMO_EPOCHS = 10
DEMO_MAX_S = 60.0


def seed_demo(platform: Platform) -> list[str]:
    """Queue a training job on synthetic history unless a forecast model already exists."""
    settings = platform.settings
    if versions(models_dir(settings)):
        return ["forecast: using the saved forecast model"]
    folder = settings.data_dir / "forecast-demo"
    folder.mkdir(parents=True, exist_ok=True)
    series, edges = corridor(days=4.0, sensors=8, seed=settings.brain.seed)
    data, graph = folder / "corridor.npz", folder / "corridor.csv"
    np.savez(data, data=series.values)
    with graph.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["from", "to", "distance"])
        writer.writerows((a.removeprefix("det"), b.removeprefix("det"), d) for a, b, d in edges)
    request = TrainRequest(
        data=str(data),
        graph=str(graph),
        start=series.start.isoformat(),
        max_epochs=DEMO_EPOCHS,
        max_seconds=DEMO_MAX_S,
        threads=1,  # the server keeps serving while the demo model trains
    )
    job_id = platform.jobs.submit(JOB_KIND, request.to_params())
    return [f"forecast: training a demo model on synthetic detector history (job {job_id})"]
