"""Core commands: the database, users and jobs."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from hostcity.cli.context import print_json, state
from hostcity.cli.progress import progress_bar
from hostcity.core.auth import create_user, parse_role
from hostcity.core.db import check_connection, create_db_engine, session_scope
from hostcity.core.jobs import get_job
from hostcity.core.migrate import current_heads, upgrade
from hostcity.core.settings import ensure_data_dir

db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
users_app = typer.Typer(help="API users and their tokens.", no_args_is_help=True)
jobs_app = typer.Typer(help="Background jobs.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context) -> None:
    """Apply all pending migrations (SQLite or PostgreSQL)."""
    settings = state(ctx).settings()
    if settings.database_kind == "sqlite":
        ensure_data_dir(settings)
    engine = create_db_engine(settings.resolved_database_url)
    try:
        check_connection(engine)
        upgrade(engine)
        heads = ", ".join(sorted(current_heads(engine)))
    finally:
        engine.dispose()
    typer.echo(f"database ({settings.database_kind}) is up to date; heads: {heads}")


@db_app.command("backup")
def db_backup(
    ctx: typer.Context,
    dest: Path = typer.Argument(..., help="the file to write, e.g. backups/hostcity-0601.db"),
    force: bool = typer.Option(False, "--force", help="replace DEST if it exists"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Copy the SQLite database to DEST, consistently, even while the server runs.

    The database only: media (recordings, clips, models) are plain files under the data
    directory's media/ folder. PostgreSQL is backed up with pg_dump. To restore, stop the
    server and put the copy in the database's place.
    """
    from hostcity.core.backup import backup_database

    settings = state(ctx).settings()
    with progress_bar("backup", enabled=not as_json and sys.stderr.isatty()) as report:
        done = backup_database(settings.resolved_database_url, dest, force=force, progress=report)
    if as_json:
        print_json(done.to_dict())
        return
    heads = ", ".join(done.revisions) or "none"
    typer.echo(
        f"backed up {done.tables} tables ({done.size_bytes / 1e6:.1f} MB) to {done.path}; "
        f"integrity ok; migrations: {heads}"
    )


@users_app.command("create")
def users_create(
    ctx: typer.Context,
    role: str = typer.Option(..., help="operator, gate or fan"),
    name: str = typer.Option("", help="who or what the token is for (default: the role)"),
    venue: str | None = typer.Option(None, help="venue id a gate device is bound to"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Create a user and print its token once; only a hash is stored."""
    platform = state(ctx).platform()
    parsed = parse_role(role)
    with session_scope(platform.session_factory) as session:
        new = create_user(session, name=name or parsed.value, role=parsed, venue_id=venue)
    if as_json:
        print_json({"id": new.principal.user_id, "role": parsed.value, "token": new.token})
        return
    typer.echo(f"created {parsed.value} user #{new.principal.user_id} ({new.principal.name})")
    typer.echo(f"token (shown once, keep it safe): {new.token}")


@jobs_app.command("show")
def jobs_show(ctx: typer.Context, job_id: str) -> None:
    """Show one job's status, progress and result as JSON."""
    platform = state(ctx).platform()
    with session_scope(platform.session_factory) as session:
        print_json(get_job(session, job_id).to_dict())
