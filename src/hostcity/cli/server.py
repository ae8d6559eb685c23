"""``hostcity demo`` and ``hostcity serve``: run the whole platform behind one web server."""

from __future__ import annotations

import errno
import secrets
import socket
from pathlib import Path

import typer

from hostcity.cli.context import state
from hostcity.core.auth import Role, hash_token
from hostcity.core.db import session_scope
from hostcity.core.errors import ConfigError
from hostcity.core.platform import Platform, open_platform
from hostcity.core.settings import Settings, ensure_data_dir

DEMO_USERS = (
    ("demo operator", Role.OPERATOR, None),
    ("demo fan", Role.FAN, None),
    ("demo gate", Role.GATE, "venue-1"),  # the gate device of the demo's first venue
)


def check_port_free(host: str, port: int) -> None:
    """Fail early, with the fix, when the port is taken.

    Raises:
        ConfigError: when something already listens on ``host:port``.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ConfigError(
                    f"port {port} on {host} is already in use",
                    hint=f"stop the other server or pass --port {port + 1}",
                ) from exc
            raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror}") from exc


def demo_secret(data_dir: Path) -> str:
    """A random secret kept in the data directory, so demo restarts keep working."""
    path = data_dir / "secret.key"
    if path.is_file():
        return path.read_text().strip()
    secret = secrets.token_urlsafe(32)
    path.write_text(secret)
    path.chmod(0o600)
    return secret


def issue_demo_tokens(platform: Platform) -> dict[Role, str]:
    """Create or re-key the demo users; a new token each start, since only hashes are stored."""
    from sqlalchemy import select

    from hostcity.core.tables import UserRow

    tokens: dict[Role, str] = {}
    with session_scope(platform.session_factory) as session:
        for name, role, venue in DEMO_USERS:
            token = "hc_" + secrets.token_urlsafe(32)
            row = session.scalar(select(UserRow).where(UserRow.name == name))
            if row is None:
                row = UserRow(name=name, role=role.value, venue_id=venue, token_hash="")
                session.add(row)
            row.token_hash = hash_token(token)
            tokens[role] = token
    return tokens


def run_server(settings: Settings, platform: Platform) -> None:
    """Serve the app with uvicorn until interrupted."""
    import uvicorn

    from hostcity.api.app import create_app

    app = create_app(settings, platform=platform)
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_level="warning",
        timeout_graceful_shutdown=3,
    )
    try:
        uvicorn.Server(config).run()
    finally:
        platform.close()


def demo(
    ctx: typer.Context,
    port: int = typer.Option(8000, help="port to serve on"),
    host: str = typer.Option("127.0.0.1", help="address to serve on"),
) -> None:
    """Run the whole platform on embedded defaults: SQLite and media in the data directory."""
    cli = state(ctx)
    settings = cli.settings(environment="development", port=port, host=host)
    ensure_data_dir(settings)
    if settings.has_placeholder_secret():
        settings = cli.settings(
            environment="development",
            port=port,
            host=host,
            secret_key=demo_secret(settings.data_dir),
        )
    check_port_free(settings.host, settings.port)
    typer.echo(f"HostCity demo: data in {settings.data_dir.resolve()}, preparing...")
    platform = open_platform(settings)
    notes = platform.seed_demo()
    tokens = issue_demo_tokens(platform)
    url = f"http://{settings.host}:{settings.port}"
    typer.echo("")
    typer.echo(f"  HostCity is running at {url}")
    typer.echo(f"  Log in as the demo operator: {url}/#login={tokens[Role.OPERATOR]}")
    typer.echo(f"  operator token: {tokens[Role.OPERATOR]}")
    typer.echo(f"  fan token:      {tokens[Role.FAN]}")
    typer.echo(f"  gate token:     {tokens[Role.GATE]} (a gate device of venue-1)")
    typer.echo(f"  API reference:  {url}/docs (readiness probe: {url}/api/ready)")
    for line in notes:
        typer.echo(f"  {line}")
    typer.echo("  Press Ctrl+C to stop.")
    typer.echo("")
    run_server(settings, platform)


def serve(
    ctx: typer.Context,
    config: Path | None = typer.Option(None, "--config", help="TOML settings file"),
    port: int | None = typer.Option(None, help="port (default: settings)"),
    host: str | None = typer.Option(None, help="address (default: settings)"),
) -> None:
    """Run in production: settings from HOSTCITY_* and an optional TOML file."""
    cli = state(ctx)
    if config is not None:
        cli.config_file = config
    overrides: dict[str, object] = {"environment": "production"}
    if port is not None:
        overrides["port"] = port
    if host is not None:
        overrides["host"] = host
    settings = cli.settings(**overrides)
    if settings.has_placeholder_secret():
        raise ConfigError(
            "refusing to serve with a placeholder secret key",
            hint="set HOSTCITY_SECRET_KEY to a random string of 16+ characters, e.g. the output "
            "of: python -c 'import secrets; print(secrets.token_urlsafe(32))'",
        )
    check_port_free(settings.host, settings.port)
    platform = open_platform(settings)
    typer.echo(
        f"HostCity serving on http://{settings.host}:{settings.port} ({settings.database_kind})"
    )
    run_server(settings, platform)
