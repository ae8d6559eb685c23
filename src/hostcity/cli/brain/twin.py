"""CLI commands of the twin feature: observations, detectors, ingest, and a headless twin run."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path
from typing import Any

import typer

from hostcity.cli.context import print_json, state
from hostcity.cli.progress import progress_bar
from hostcity.core.errors import InputError
from hostcity.core.textfiles import read_utf8


def _service(ctx: typer.Context) -> Any:
    from hostcity.brain.twin.setup import SERVICE

    return state(ctx).platform().service(SERVICE)


def _fmt(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def register(app: typer.Typer) -> None:
    """Add this feature's commands to the pillar's command group."""

    @app.command()
    def observations(
        ctx: typer.Context,
        detector: str | None = typer.Option(None, "--detector", help="one detector id"),
        limit: int = typer.Option(20, help="how many, newest first (1-1000)"),
        as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
    ) -> None:
        """Print recent traffic-flow observations, from sensors or the twin."""
        found = _service(ctx).recent(detector_id=detector, limit=limit)
        if as_json:
            print_json({"detector": detector, "observations": [o.to_dict() for o in found]})
            return
        typer.echo(f"{'detector':<28} {'window end (UTC)':<20} {'veh':>5} {'veh/h':>7} "
                   f"{'occ':>5} {'m/s':>5}  source")  # fmt: skip
        for o in found:
            typer.echo(
                f"{o.detector_id[:28]:<28} {o.observed_to:%Y-%m-%d %H:%M:%S} "
                f"{_fmt(o.intensity_veh, 0):>5} {_fmt(o.flow_veh_per_h, 0):>7} "
                f"{_fmt(o.occupancy, 2):>5} {_fmt(o.speed_mps):>5}  {o.source}"
            )

    @app.command()
    def detectors(
        ctx: typer.Context,
        as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
    ) -> None:
        """List every detector that reported, with its latest observation."""
        rows = _service(ctx).detector_list()
        if as_json:
            print_json({"detectors": rows})
            return
        for row in rows:
            latest = row["latest"] or {}
            typer.echo(f"{row['id']:<32} last window end {latest.get('observed_to', '-')}")
        typer.echo(f"{len(rows)} detector(s)")

    @app.command()
    def ingest(
        ctx: typer.Context,
        file: Path = typer.Argument(..., help="JSON file: an array of TrafficFlowObserved"),
        as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
    ) -> None:
        """Store a batch of NGSI-LD TrafficFlowObserved entities, as a sensor would post it."""
        try:
            payload = json.loads(read_utf8(file, "observations file"))
        except OSError as exc:
            raise InputError(f"cannot read {file}: {exc.strerror}") from exc
        except json.JSONDecodeError as exc:
            raise InputError(f"{file} is not JSON: line {exc.lineno}: {exc.msg}") from exc
        result = _service(ctx).ingest(payload, source="api")
        if as_json:
            print_json(result.to_dict())
        else:
            typer.echo(
                f"stored {result.stored} observation(s) of {len(result.detectors)} detector(s)"
            )

    @app.command("twin-run")
    def twin_run(
        ctx: typer.Context,
        *,
        sim_s: float = typer.Option(600.0, "--sim-s", help="simulated seconds to run"),
        speed: float = typer.Option(1e6, help="simulated seconds per wall second (cap)"),
        controller: str | None = typer.Option(None, help="controller of every junction"),
        backend: str = typer.Option("libsumo", help="'libsumo' (in process) or 'traci'"),
        begin_s: float | None = typer.Option(None, "--begin-s", help="start here (sim s)"),
        as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
    ) -> None:
        """Run the twin headless on settings.brain.scenario, storing its loop readings."""
        from hostcity.brain.twin.adapters.scenario import sumo_run_factory
        from hostcity.brain.twin.adapters.sumo_twin import sumo_backend
        from hostcity.brain.twin.worker import TwinWorker

        sumo_backend(backend)
        for flag, value in (("--sim-s", sim_s), ("--speed", speed)):
            if not (math.isfinite(value) and value > 0):
                raise InputError(f"{flag} must be a number above 0, got {value}")
        platform = state(ctx).platform()
        settings = platform.settings
        service = _service(ctx)
        worker = TwinWorker(
            service,
            sumo_run_factory(settings, backend=backend, begin_s=begin_s),
            scenario=settings.brain.scenario,
            speed=speed,
            default_controller=controller or settings.brain.controller,
            stop_after_sim_s=sim_s,
            backoff_s=0.5,
            store_every_s=settings.brain.detector_interval_s,
        )
        started = time.monotonic()
        with progress_bar("twin", enabled=not as_json) as report:
            worker.start()
            try:
                while not worker.join(0.5):
                    status = worker.status
                    report((status.sim_time_s - status.begin_s) / sim_s, status.state)
                    if status.restarts:
                        break
            finally:
                worker.stop()
        status = worker.status
        wall_s = time.monotonic() - started
        in_use = sorted(set(worker.controllers().values()))
        result = {
            **status.to_dict(),
            "backend": backend,
            "controllers": in_use,
            "wall_s": round(wall_s, 2),
        }
        if status.restarts:
            raise InputError(f"the twin failed: {status.last_error}")
        if as_json:
            print_json(result)
        else:
            typer.echo(
                f"simulated to {status.sim_time_s:g} s at {status.achieved_speed}x real time "
                f"({backend}, controllers: {', '.join(in_use)}) "
                f"with {status.detectors} loops ({wall_s:.1f} s wall, incl. start-up)"
            )
