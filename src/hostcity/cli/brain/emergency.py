"""CLI commands of the emergency feature: ``hostcity brain ev-eval``."""

from __future__ import annotations

from typing import Any

import typer

from hostcity.cli.context import print_json, state
from hostcity.cli.progress import progress_bar


def _print_report(report: dict[str, Any]) -> None:
    typer.echo(f"scenario {report['scenario']}, seeds {report['seeds']}, trips {report['trips']}")
    typer.echo(f"{'seed':>5} {'trip':>5} {'normal s':>9} {'pre-empt s':>11}")
    for row in report["per_trip"]:
        base = "-" if row["travel_time_s"] is None else f"{row['travel_time_s']:.0f}"
        pre = "-" if row["preempt_s"] is None else f"{row['preempt_s']:.0f}"
        typer.echo(f"{row['seed']:>5} {row['trip']:>5} {base:>9} {pre:>11}")
    typer.echo(
        f"emergency travel time {report['ev_travel_time_s']:.0f} s -> "
        f"{report['ev_travel_time_preempt_s']:.0f} s ({report['ev_reduction']:+.0%})"
    )
    typer.echo(
        f"others' mean delay {report['others_delay_s']:.1f} s -> "
        f"{report['others_delay_preempt_s']:.1f} s ({report['others_delay_change']:+.1%})"
    )


def register(app: typer.Typer) -> None:
    """Add this feature's commands to the pillar's command group."""

    @app.command("ev-eval")
    def ev_eval(  # noqa: PLR0917 - typer passes options by position
        ctx: typer.Context,
        scenario: str = typer.Argument(
            ..., help="'demo', or a .sumocfg, .net.xml, .osm or .osm.xml file"
        ),
        trips: int = typer.Option(3, "--trips", help="emergency trips per run"),
        seeds: str = typer.Option("1,2", "--seeds", help="comma-separated SUMO seeds"),
        bluelight: bool = typer.Option(
            False, "--bluelight", help="give the emergency vehicles SUMO's bluelight device"
        ),
        as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
    ) -> None:
        """Run the same emergency trips on SCENARIO with and without signal pre-emption."""
        from hostcity.brain.control.evaluate import parse_seeds
        from hostcity.brain.control.service import workdir
        from hostcity.brain.emergency.errors import EmergencyInputError
        from hostcity.brain.emergency.evaluate import ev_evaluate

        if not 1 <= trips <= 50:
            raise EmergencyInputError(f"--trips {trips} is out of range", hint="use 1 to 50")
        chosen = parse_seeds(seeds)
        settings = state(ctx).settings()
        with progress_bar("emergency evaluation", enabled=not as_json) as report:
            result = ev_evaluate(
                scenario,
                seeds=chosen,
                trips=trips,
                bluelight=bluelight,
                workdir=workdir(settings),  # shares the generated demo city
                progress=report,
                demand_seed=settings.brain.seed,
            )
        if as_json:
            print_json(result)
        else:
            _print_report(result)
