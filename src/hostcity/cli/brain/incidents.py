"""CLI commands of incident detection: list and decide incidents, CAP, webhooks, evaluation."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import typer

from hostcity.cli.context import print_json, state
from hostcity.cli.progress import progress_bar
from hostcity.core.db import MAX_ROW_ID, session_scope
from hostcity.core.errors import InputError


def _parse_seeds(text: str) -> list[int]:
    try:
        seeds = [int(part) for part in text.split(",") if part.strip()]
    except ValueError as exc:
        raise InputError(f"bad --seeds {text!r}", hint="use integers, e.g. --seeds 1,2,3") from exc
    if not seeds:
        raise InputError("--seeds is empty", hint="use integers, e.g. --seeds 1,2,3")
    return seeds


def register(app: typer.Typer) -> None:
    """Add this feature's commands to the pillar's command group."""

    def service_and_factory(ctx: typer.Context) -> tuple[Any, Any]:
        from hostcity.brain.incidents import setup

        platform = state(ctx).platform()
        if setup.SERVICE not in platform.services:  # until brain.plugin registers the feature
            setup.register(platform)
        return platform.service(setup.SERVICE), platform.session_factory

    @app.command("incidents")
    def incidents_list(
        ctx: typer.Context,
        status: str | None = typer.Option(None, help="open, raised, confirmed, dismissed, cleared"),
        limit: int = typer.Option(20, min=1, max=500, help="how many, newest first"),
        as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
    ) -> None:
        """List incidents, newest first."""
        service, factory = service_and_factory(ctx)
        with session_scope(factory) as session:
            found = [i.to_dict() for i in service.incidents(session, status=status, limit=limit)]
        if as_json:
            print_json({"incidents": found})
            return
        if not found:
            typer.echo("no incidents")
        for i in found:
            typer.echo(
                f"#{i['id']:<5} {i['status']:<10} {i['severity']:<9} conf {i['confidence']:.2f}  "
                f"edge {i['edge_id']} lane {i['lane_id']}  since {i['started_at']}"
            )

    @app.command("incident-damping")
    def incident_damping(
        ctx: typer.Context,
        reset: str | None = typer.Option(
            None, "--reset", help="give this detector back its full sensitivity"
        ),
        as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
    ) -> None:
        """Detectors that dismissals made less sensitive (or reset one of them)."""
        service, factory = service_and_factory(ctx)
        with session_scope(factory) as session:
            if reset is not None:
                service.reset_damping(session, reset)
            damped = service.damped(session)
        if as_json:
            print_json({"detectors": damped})
            return
        if reset is not None:
            typer.echo(f"detector {reset} has its full sensitivity again")
        if not damped:
            typer.echo("no detector is damped")
        for d in damped:
            typer.echo(
                f"{d['detector']:<40} thresholds x{d['damping']:.2f} (at most "
                f"x{d['max_damping']:.1f})  since {d['updated_at']}"
            )

    @app.command("incident-exercises")
    def incident_exercises(
        ctx: typer.Context,
        as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
    ) -> None:
        """Detector exercises, newest first, and how fast detection raised them.

        Operators start exercises on the Incidents tab or with POST
        /api/brain/incidents/exercises: they stall a vehicle in the server's live twin.
        Those on now show as the server last saved them.
        """
        service, _factory = service_and_factory(ctx)
        book = service.exercises
        found = [e.to_dict() for e in book.all()]
        summary = book.summary()
        if as_json:
            print_json({"exercises": found, "summary": summary})
            return
        if not found:
            typer.echo("no exercises (start one on the Incidents tab of a running server)")
            return
        for e in found:
            raised = "no incident" if e["incident_id"] is None else f"incident #{e['incident_id']}"
            if e["detected_after_s"] is not None:
                raised += f" after {e['detected_after_s']:.0f} s"
            note = f"  ({e['note']})" if e["note"] else ""
            typer.echo(
                f"#{e['id']:<4} {e['state']:<8} detector {e['detector']} for "
                f"{e['minutes']:g} min, {raised}{note}"
            )
        mean = summary["mean_detected_after_s"]
        typer.echo(
            f"detection raised {summary['detected']} of {summary['stalled']} stalled vehicles"
            + (f", on average {mean} s after the stall" if mean is not None else "")
        )

    @app.command("incident-decide")
    def incident_decide(
        ctx: typer.Context,
        incident_id: int = typer.Argument(..., max=MAX_ROW_ID, help="the incident id"),
        action: str = typer.Argument(..., help="confirm, dismiss or clear"),
        as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
    ) -> None:
        """Confirm, dismiss or clear an incident (a dismissal damps its detector)."""
        service, factory = service_and_factory(ctx)
        with session_scope(factory) as session:
            view = service.decide(session, incident_id, action).to_dict()
        if as_json:
            print_json(view)
        else:
            typer.echo(f"incident {incident_id} is now {view['status']}")

    @app.command("incident-cap")
    def incident_cap(
        ctx: typer.Context,
        incident_id: int = typer.Argument(..., max=MAX_ROW_ID, help="the incident id"),
    ) -> None:
        """Print an incident as a CAP 1.2 alert (XML)."""
        service, factory = service_and_factory(ctx)
        with session_scope(factory) as session:
            typer.echo(service.cap_xml(session, incident_id), nl=False)

    @app.command("incident-webhook-add")
    def incident_webhook_add(
        ctx: typer.Context,
        url: str = typer.Argument(..., help="http(s) URL receiving CAP XML of new incidents"),
        as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
    ) -> None:
        """Register a webhook for new incidents."""
        service, factory = service_and_factory(ctx)
        with session_scope(factory) as session:
            hook = service.add_webhook(session, url)
        if as_json:
            print_json(hook)
        else:
            typer.echo(f"webhook {hook['id']}: {hook['url']}")

    @app.command("incidents-eval")
    def incidents_eval(  # noqa: PLR0917 - typer passes options by position
        ctx: typer.Context,
        scenario: str = typer.Argument(..., help="'demo' or a .sumocfg / .net.xml path"),
        incidents: int = typer.Option(5, "--incidents", min=1, help="incidents per seed"),
        seeds: str = typer.Option("1", "--seeds", help="comma-separated seeds, e.g. 1,2,3"),
        interval_s: float = typer.Option(10.0, "--interval-s", help="detector interval"),
        warmup_s: float = typer.Option(1200.0, "--warmup-s", help="incident-free learning time"),
        incident_s: float = typer.Option(300.0, "--incident-s", help="how long a lane is blocked"),
        sensitivity: float = typer.Option(1.0, "--sensitivity", help="higher raises sooner"),
        min_lane_flow: float = typer.Option(
            60.0, "--min-lane-flow", help="only block lanes carrying this many veh/h"
        ),
        signals: bool = typer.Option(
            True,
            "--signals/--no-signals",
            help="give the detector each loop's green seconds (--no-signals: loops only)",
        ),
        history_runs: int = typer.Option(
            0,
            "--history-runs",
            min=0,
            help="incident-free runs (other seeds) learned from first, as earlier days",
        ),
        workers: int = typer.Option(1, "--workers", min=1, help="seeds run in parallel"),
        as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
    ) -> None:
        """Block lanes at random in a SUMO run and measure how fast incidents are detected."""
        from hostcity.brain.incidents.adapters.eval_runner import run_evaluation
        from hostcity.brain.incidents.adapters.sumo_eval import EvalPlan

        plan = EvalPlan(
            incidents=incidents,
            interval_s=interval_s,
            warmup_s=warmup_s,
            incident_s=incident_s,
            gap_s=incident_s,
            sensitivity=sensitivity,
            min_rate_veh_per_h=min_lane_flow,
            signal_aware=signals,
            history_runs=history_runs,
        )
        seed_list = _parse_seeds(seeds)
        settings = state(ctx).settings()
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        with (
            tempfile.TemporaryDirectory(dir=settings.data_dir, prefix="incidents-eval-") as tmp,
            progress_bar("incidents-eval", enabled=not as_json) as report,
        ):
            result = run_evaluation(
                scenario, Path(tmp), seeds=seed_list, plan=plan, workers=workers, report=report
            )
        if as_json:
            print_json(result)
            return
        for key in (
            "detection_rate",
            "mean_time_to_detect_s",
            "p95_time_to_detect_s",
            "false_alarms_per_100_detector_hours",
            "incidents",
            "detected",
            "false_alarms",
            "detector_hours",
        ):
            typer.echo(f"{key:<38} {result[key]}")
