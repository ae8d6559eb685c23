"""``hostcity brain history``: record days of detector history for forecasting, headless."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from hostcity.cli.context import print_json, state
from hostcity.cli.progress import progress_bar


def register(app: typer.Typer) -> None:
    """Add ``hostcity brain history`` to the pillar's command group."""

    @app.command("history")
    def history_command(
        ctx: typer.Context,
        scenario: str = typer.Argument(..., help="'demo' or the path of a .sumocfg / .net.xml"),
        *,
        days: int = typer.Option(2, "--days", help="whole days to record (1-60)"),
        out: Path | None = typer.Option(
            None, "--out", help="also write history.npz (T, N, F) and history.csv here"
        ),
        end: str | None = typer.Option(
            None, help="ISO time; the days end at the midnight (UTC) before it (default: now)"
        ),
        seed: int | None = typer.Option(None, help="seed of the demand (default: brain.seed)"),
        time_compression: float = typer.Option(
            4.0, help="clock seconds per simulated second (a divisor of 300)"
        ),
        backend: str = typer.Option("libsumo", help="'libsumo' (in process) or 'traci'"),
        controller: str | None = typer.Option(
            None, help="signal controller of every junction (default: the twin's, brain.controller)"
        ),
        hours: float | None = typer.Option(
            None, hidden=True, help="record only the first hours (short test runs)"
        ),
        as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
    ) -> None:
        """Run the twin headless on day-shaped demand and store its loop readings as history.

        Weekdays get commuter peaks, weekends a flatter day, and event days venue peaks; the
        peak varies from day to day. Readings every five clock minutes go into the observation
        store, so 'hostcity brain forecast train' can train on them.
        """
        from hostcity.brain.forecast.adapters.history_sim import (
            HistoryRequest,
            check_controller,
            record_history,
            resolve_network,
            write_benchmark,
        )
        from hostcity.brain.forecast.daily import check_days, reading_interval_s
        from hostcity.brain.twin.setup import SERVICE
        from hostcity.core.errors import InputError
        from hostcity.core.timeutil import parse_iso

        check_days(days)  # bad input fails before the data directory is touched
        reading_interval_s(time_compression)
        if controller is not None:
            check_controller(controller)
        resolve_network(scenario)
        try:
            until = parse_iso(end) if end else None
        except ValueError:
            raise InputError(
                f"cannot read --end {end!r}", hint="use ISO-8601, e.g. 2026-03-02T00:00:00Z"
            ) from None
        platform = state(ctx).platform()
        settings = platform.settings
        request = HistoryRequest(
            scenario=scenario,
            days=days,
            end=until,
            seed=settings.brain.seed if seed is None else seed,
            time_compression=time_compression,
            hours=hours,
            backend=backend,
            controller=settings.brain.controller if controller is None else controller,
        )
        twin = platform.service(SERVICE)
        with progress_bar("history", enabled=not as_json and sys.stderr.isatty()) as report:
            recording = record_history(
                request,
                workdir=settings.data_dir / "forecast-history",
                session_factory=platform.session_factory,
                ingest=twin.ingest,
                progress=report,
            )
        files = {k: str(v) for k, v in write_benchmark(recording, out).items()} if out else {}
        result = {"scenario": scenario, **recording.summary(), "files": files}
        if as_json:
            print_json(result)
            return
        for plan in recording.plans:
            kind = ("weekend" if plan.weekend else "weekday") + (", event" if plan.event else "")
            typer.echo(
                f"  {plan.day:%a %Y-%m-%d}  {kind:<16} peak {plan.profile.peak_veh_per_h:.0f} veh/h"
            )
        typer.echo(
            f"stored {recording.stored} readings of {result['detectors']} loops "
            f"({result['steps']} five-minute steps "
            f"from {recording.start:%Y-%m-%d %H:%M} UTC) in {recording.wall_s:.0f} s"
        )
        if recording.replaced:
            typer.echo(f"replaced {recording.replaced} readings recorded earlier for these days")
        if recording.overlapping:
            typer.echo(
                f"note: the store also holds {recording.overlapping} readings from other sources "
                "in these days; training sums both"
            )
        geo = recording.network is not None and recording.network.geo_referenced
        if geo or not files:
            typer.echo("train on it: hostcity brain forecast train")
        else:  # without lon/lat the store cannot join neighbours; the written graph can
            typer.echo(f"train on it: hostcity brain forecast train --graph {files['graph_by_id']}")
        if files:
            typer.echo(
                f"backtest: hostcity brain forecast backtest {files['data']} "
                f"--graph {files['graph']} --start {recording.start.isoformat()}"
            )
