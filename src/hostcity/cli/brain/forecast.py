"""CLI commands of the forecast feature: backtest, train, models and forecasts."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import typer

from hostcity.cli.context import print_json, state
from hostcity.cli.progress import progress_bar

forecast_app = typer.Typer(help="Traffic forecasts: backtests, training and live forecasts.")

START_HELP = "ISO time of the first step (the .npz does not say); sets the time of day"


def _table(models: list[dict[str, Any]]) -> list[str]:
    skill = any("congestion_flags" in m for m in models)  # data with flow and speed
    lines = [
        f"{'model':<20}{'MAE':>8}{'RMSE':>8}{'MAPE%':>8}{'@3':>8}{'@6':>8}{'@12':>8}{'train s':>9}"
        + (
            f"{'flags':>8}{'right%':>8}{'caught%':>8}{'+poss':>8}{'right%':>8}{'caught%':>8}"
            if skill
            else ""
        )
    ]
    for m in models:
        lines.append(
            f"{m['name']:<20}{m['mae']:>8.2f}{m['rmse']:>8.2f}{m['mape']:>8.2f}"
            f"{m['mae_h3']:>8.2f}{m['mae_h6']:>8.2f}{m['mae_h12']:>8.2f}{m['train_seconds']:>9.1f}"
            + (_skill(m) if skill else "")
        )
    if skill:
        lines.append(
            "flags: congestion flagged within the hour (window x detector); right%: flags that "
            "came true; caught%: congestion that came and was flagged; +poss: the same with the "
            "possible congestion (the band's edge) flagged too"
        )
    return lines


def _skill(model: dict[str, Any]) -> str:
    def share(key: str) -> str:
        return f"{100 * model[key]:>8.1f}" if key in model else f"{'-':>8}"

    parts = []
    for prefix in ("congestion_", "congestion_or_possible_"):
        parts.append(f"{model.get(prefix + 'flags', 0):>8.0f}")
        parts += [share(prefix + "precision"), share(prefix + "recall")]
    return "".join(parts)


@forecast_app.command("backtest")
def backtest_command(
    data: Path = typer.Argument(..., help=".npz holding data of shape (T, N, F)"),
    *,
    graph: Path = typer.Option(..., "--graph", help="CSV of from,to,distance"),
    start: str = typer.Option("2016-07-01T00:00:00Z", help=START_HELP),
    max_epochs: int | None = typer.Option(None, help="cap on learned-model epochs"),
    max_seconds: float | None = typer.Option(None, help="cap on learned-model training time"),
    threads: int | None = typer.Option(None, help="PyTorch CPU threads (default 2)"),
    baselines_only: bool = typer.Option(False, help="skip the learned model"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    """Score every baseline and the learned model with the 12-in/12-out 60/20/20 protocol."""
    from hostcity.brain.forecast.training import TrainRequest, backtest

    request = TrainRequest(
        data=str(data),
        graph=str(graph),
        start=start,
        max_epochs=max_epochs,
        max_seconds=max_seconds,
        threads=threads,
        learned=not baselines_only,
    )
    with progress_bar("backtest", enabled=not as_json and sys.stderr.isatty()) as report:
        result = backtest(request, report)
    body = result.to_dict()
    if as_json:
        print_json(body)
        return
    for line in _table(body["models"]):
        typer.echo(line)
    typer.echo(f"best baseline: {body['best_baseline']}; chosen: {body['chosen']}")
    if "learned_vs_best_baseline_pct" in body:
        gain = body["learned_vs_best_baseline_pct"]
        typer.echo(f"learned model MAE is {gain:.1f}% lower than the best baseline's")


@forecast_app.command("train")
def train_command(
    ctx: typer.Context,
    *,
    data: Path | None = typer.Option(
        None, "--data", help=".npz of shape (T, N, F); omit to train on the observation store"
    ),
    graph: Path | None = typer.Option(
        None,
        "--graph",
        help="CSV of from,to,distance; with the store, omit to use brain.sensor_graph or, "
        "unset, to join each detector to its nearest ones",
    ),
    store_days: float | None = typer.Option(None, help="with the store: newest days to use"),
    start: str = typer.Option("2016-07-01T00:00:00Z", help=START_HELP),
    max_epochs: int | None = typer.Option(None, help="cap on learned-model epochs"),
    max_seconds: float | None = typer.Option(None, help="cap on learned-model training time"),
    threads: int | None = typer.Option(None, help="PyTorch CPU threads (default 2)"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    """Train every model as a job, save the bundle, and report its metrics."""
    from hostcity.brain.forecast.training import JOB_KIND, TrainRequest, load_request
    from hostcity.core.errors import HostCityError

    request = TrainRequest(
        data=str(data.resolve()) if data else None,
        graph=str(graph.resolve()) if graph else None,
        store_days=store_days,
        start=start,
        max_epochs=max_epochs,
        max_seconds=max_seconds,
        threads=threads,
    )
    platform = state(ctx).platform()
    request = request.on_city_graph(platform.settings.brain.sensor_graph)
    TrainRequest.from_params(request.to_params())
    load_request(request, platform.session_factory)  # bad input fails before a job is queued
    job_id = platform.jobs.submit(JOB_KIND, request.to_params())
    with progress_bar("training", enabled=not as_json and sys.stderr.isatty()) as report:
        view = _follow(platform, job_id, report)
    if view.error or view.result is None:
        raise HostCityError(f"training job {job_id} failed: {view.error}")
    result = view.result
    if as_json:
        print_json({"job": job_id, **result})
        return
    for line in _table(result["metrics"]["models"]):
        typer.echo(line)
    typer.echo(f"saved model {result['version']} at {result['path']}")
    typer.echo(f"live forecasts will use: {result['chosen']}")


def _follow(platform: Any, job_id: str, report: Any) -> Any:
    from hostcity.core.db import session_scope
    from hostcity.core.jobs import JobStatus, get_job

    while True:
        with session_scope(platform.session_factory) as session:
            view = get_job(session, job_id)
        report(view.progress, view.message)
        if view.status in (JobStatus.SUCCEEDED, JobStatus.FAILED):
            return view
        time.sleep(0.3)


@forecast_app.command("models")
def models_command(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    """List saved model bundles, newest first, and which one serves forecasts."""
    from hostcity.brain.forecast.adapters import model_store

    settings = state(ctx).settings()
    root = model_store.models_dir(settings)
    found = [model_store.read_metadata(root, v) for v in model_store.versions(root)]
    service = _service(ctx)
    in_use = service.select_version()
    rows = [
        {
            "version": m["version"],
            "chosen": m["chosen"],
            "beats_baselines": m["beats_baselines"],
            "data": m["data"],
            "in_use": m["version"] == in_use,
        }
        for m in found
    ]
    if as_json:
        print_json({"models": rows, "in_use": in_use})
        return
    if not rows:
        typer.echo("no forecast models yet; train one with 'hostcity brain forecast train'")
    for r in rows:
        mark = "*" if r["in_use"] else " "
        typer.echo(
            f"{mark} {r['version']}  {r['chosen']:<20} beats baselines: {r['beats_baselines']}"
        )


@forecast_app.command("show")
def show_command(
    ctx: typer.Context,
    detector: str = typer.Argument(..., help="detector id"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    """Forecast one detector's next hour with the model in use."""
    from hostcity.brain.forecast.setup import SERVICE

    body = state(ctx).platform().service(SERVICE).forecast(detector)
    if as_json:
        print_json(body)
        return
    typer.echo(f"detector {detector}: {body['model']['note']} (version {body['model']['version']})")
    seen, needed = body["inputs_observed"], body["inputs_needed"]
    if seen < needed:
        typer.echo(
            f"only {seen} of the last {needed} five-minute readings are in the store; "
            + ("the gaps take the nearest reading" if seen else "nothing recent to go on")
        )
    for step in body["forecast"]:
        values = ", ".join(
            f"{n} {step[n]:.1f} [{step[n + '_low']:.1f}, {step[n + '_high']:.1f}]"
            for n in body["features"]
        )
        typer.echo(f"  +{step['minutes_ahead']:>2} min  {values}")
    if body["congestion_in_min"] is not None:
        typer.echo(f"congestion expected in {body['congestion_in_min']} minutes")
    elif body["congestion_possible_in_min"] is not None:
        typer.echo(
            f"congestion possible in {body['congestion_possible_in_min']} minutes "
            "(the band's edge crosses the threshold; the forecast itself does not)"
        )


def _service(ctx: typer.Context) -> Any:
    from hostcity.brain.forecast.adapters.model_store import models_dir
    from hostcity.brain.forecast.service import ForecastService

    return ForecastService(models_dir(state(ctx).settings()))


def register(app: typer.Typer) -> None:
    """Add ``hostcity brain forecast ...`` to the pillar's command group."""
    app.add_typer(forecast_app, name="forecast")
