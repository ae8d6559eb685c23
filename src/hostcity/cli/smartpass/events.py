"""CLI commands of the events feature: import an event, search athletes."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import typer

from hostcity.cli.context import print_json, state
from hostcity.cli.progress import progress_bar
from hostcity.core.db import session_scope
from hostcity.core.errors import InputError
from hostcity.smartpass.events import service


def import_event(
    ctx: typer.Context,
    directory: Path = typer.Argument(..., help="folder with event.json, or schedules.csv etc."),
    anchor: str | None = typer.Option(
        None, help="day 0 (YYYY-MM-DD) for relative times like +1T10:00; default today"
    ),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    """Import or update a schedule and its athletes; follows survive re-imports."""
    anchor_day = _parse_day(anchor) if anchor else None
    platform = state(ctx).platform()
    bar = not as_json and sys.stderr.isatty()
    with progress_bar(f"importing {directory.name}", enabled=bar) as report:
        summary, notes = service.import_dir(
            platform.session_factory, directory, anchor=anchor_day, report=report
        )
    if as_json:
        print_json({**summary.to_dict(), "notes": notes})
        return
    typer.echo(
        f"imported {summary.competition}: {summary.sessions} sessions, {summary.athletes} "
        f"athletes, {summary.venues} venues"
    )
    typer.echo(
        f"  sessions added {summary.sessions_added}, moved {summary.sessions_moved}, cancelled "
        f"{summary.sessions_cancelled}, removed {summary.sessions_removed}"
    )
    for note in notes:
        typer.echo(f"  {note}")


def search_athletes(
    ctx: typer.Context,
    query: str = typer.Argument("", help="name words; accents and case do not matter"),
    *,
    noc: str | None = typer.Option(None, help="three-letter team code, e.g. ITA"),
    discipline: str | None = typer.Option(None, help="e.g. 'Curling'"),
    limit: int = typer.Option(20, min=1, max=200),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    """Find athletes by name, team or discipline."""
    platform = state(ctx).platform()
    with session_scope(platform.session_factory) as session:
        found = service.search_athletes(
            session, query=query, noc=noc, discipline=discipline, limit=limit
        )
    if as_json:
        print_json({"athletes": found})
        return
    for athlete in found:
        events = "; ".join(f"{e['discipline']}: {e['event']}" for e in athlete["events"])
        typer.echo(f"{athlete['id']:>6}  {athlete['name']} ({athlete['noc']})  {events}")
    if not found:
        typer.echo("no athlete matches")


def _parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"--anchor {text!r} is not a date", hint="write YYYY-MM-DD") from None


def register(app: typer.Typer) -> None:
    """Add this feature's commands to the pillar's command group."""
    app.command("import-event")(import_event)
    app.command("athletes")(search_athletes)
