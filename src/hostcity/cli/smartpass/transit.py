"""CLI commands of the transit feature: ``import-gtfs``, ``feeds`` and ``journey``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from hostcity.cli.context import print_json, state
from hostcity.cli.progress import progress_bar
from hostcity.core.db import session_scope
from hostcity.core.timeutil import utcnow


def _print_journeys(result: dict[str, Any]) -> None:
    journeys = result["journeys"]
    if not journeys:
        typer.echo("No journey found: no stop within walking range, or no vehicle runs then.")
        return
    for n, journey in enumerate(journeys, 1):
        typer.echo(
            f"Journey {n}: arrive {journey['arrive'][11:16]}, {journey['duration_s'] // 60} min, "
            f"{journey['transfers']} transfer(s)"
        )
        for leg in journey["legs"]:
            what = f"ride {leg['route']}" if leg["mode"] == "ride" else "walk"
            typer.echo(
                f"  {leg['depart'][11:16]}-{leg['arrive'][11:16]}  {what:<12} "
                f"{leg['from']['name']} -> {leg['to']['name']}"
            )


def register(app: typer.Typer) -> None:
    """Add this feature's commands to the pillar's command group."""

    @app.command("import-gtfs")
    def import_gtfs(
        ctx: typer.Context,
        *,
        feed: Path = typer.Argument(..., help="a GTFS .zip"),
        name: str | None = typer.Option(None, help="feed name (default: the file name)"),
        streets: Path | None = typer.Option(
            None, help="SUMO .net.xml to walk along (default: straight line x detour)"
        ),
        as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
    ) -> None:
        """Validate a GTFS feed and import it; errors name the file, line and field."""
        platform = state(ctx).platform()
        with (
            progress_bar("importing GTFS", enabled=not as_json) as report,
            session_scope(platform.session_factory) as session,
        ):
            report(0.1, "validating")
            summary = platform.service("transit").import_feed(
                session, feed, name=name, street_net=streets
            )
            report(1.0, "imported")
        if as_json:
            print_json(summary)
            return
        typer.echo(
            f"Imported {summary['name']} (id {summary['id']}): {summary['stops']} stops, "
            f"{summary['trips']} trips, {summary['first_day']} to {summary['last_day']}, "
            f"time zone {summary['timezone']}"
        )

    @app.command("feeds")
    def feeds(
        ctx: typer.Context,
        as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
    ) -> None:
        """List the imported GTFS feeds."""
        platform = state(ctx).platform()
        with session_scope(platform.session_factory) as session:
            rows = platform.service("transit").feeds(session)
        if as_json:
            print_json({"feeds": rows})
            return
        for row in rows:
            typer.echo(f"{row['id']}: {row['name']}, {row['first_day']} to {row['last_day']}")

    @app.command("journey")
    def journey(
        ctx: typer.Context,
        *,
        origin: str = typer.Option(..., "--from", help="lat,lon"),
        destination: str = typer.Option(..., "--to", help="lat,lon"),
        depart: str | None = typer.Option(None, help="ISO time (default now; no offset: local)"),
        gtfs: Path | None = typer.Option(None, help="plan on this GTFS zip, not imported feeds"),
        streets: Path | None = typer.Option(None, help="SUMO .net.xml to walk along"),
        as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
    ) -> None:
        """Door-to-door journeys: earliest arrival and the Pareto set over transfers."""
        from hostcity.smartpass.transit.service import (
            TransitService,
            parse_depart,
            parse_point,
            plan_json,
        )

        start, end = parse_point(origin, "--from"), parse_point(destination, "--to")
        when = parse_depart(depart) if depart else utcnow()
        cli = state(ctx)
        if gtfs is not None:
            service = TransitService(cli.settings().data_dir)
            with progress_bar("loading GTFS", enabled=not as_json) as report:
                net = service.load_file(gtfs, street_net=streets)
                report(1.0, "loaded")
            result = plan_json(net, start, end, when)
        else:
            platform = cli.platform()
            with session_scope(platform.session_factory) as session:
                result = platform.service("transit").journeys(session, start, end, when)
        if as_json:
            print_json(result)
        else:
            _print_journeys(result)
