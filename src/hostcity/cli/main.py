"""The ``hostcity`` entry point: global options, command groups, and error reporting."""

from __future__ import annotations

import sys
import traceback
from pathlib import Path

import typer

from hostcity import __version__
from hostcity.cli import brain, core, replay, server, smartpass
from hostcity.cli.context import CliState
from hostcity.core.errors import HostCityError

app = typer.Typer(
    name="hostcity",
    help="HostCity: City Brain, Smart Pass and Replay Studio for a host city's Games.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"hostcity {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    config: Path | None = typer.Option(None, "--config", help="TOML settings file"),
    data_dir: Path | None = typer.Option(None, "--data-dir", help="where data and media live"),
    debug: bool = typer.Option(False, "--debug", help="show tracebacks on errors"),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="print the version and exit"
    ),
) -> None:
    """HostCity command line."""
    del version
    ctx.obj = CliState(config_file=config, data_dir=data_dir, debug=debug)
    ctx.call_on_close(ctx.obj.close)


app.command()(server.demo)
app.command()(server.serve)
app.add_typer(core.db_app, name="db")
app.add_typer(core.users_app, name="users")
app.add_typer(core.jobs_app, name="jobs")
app.add_typer(brain.app, name="brain")
app.add_typer(smartpass.app, name="pass")
app.add_typer(replay.app, name="replay")


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; a HostCity error becomes one line on stderr and exit code 1, an
    unexpected one (a bug) one line and exit code 2."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    try:
        # standalone mode prints usage errors (unknown command or option) the Click way
        app(args, prog_name="hostcity", standalone_mode=True)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    except HostCityError as exc:
        if debug:
            traceback.print_exc()
        typer.echo(f"error: {exc}", err=True)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug: one clear line, the traceback only with --debug
        if debug:
            traceback.print_exc()
        typer.echo(
            f"error: HostCity hit an unexpected error ({type(exc).__name__}: {exc}); "
            "run again with --debug for the traceback, and please report it",
            err=True,
        )
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
