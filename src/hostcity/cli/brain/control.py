"""CLI commands of the control feature: ``hostcity brain evaluate`` and ``controllers``."""

from __future__ import annotations

from typing import Any

import typer

from hostcity.cli.context import print_json, state
from hostcity.cli.progress import progress_bar


def _print_report(report: dict[str, Any]) -> None:
    typer.echo(f"scenario {report['scenario']}, controller {report['controller']}")
    typer.echo(f"{'seed':>6} {'delay s':>9} {'travel s':>9} {'arrived':>8} {'due':>7}  gridlock")
    for row in report["per_seed"]:
        typer.echo(
            f"{row['seed']:>6} {row['mean_delay_s']:>9.1f} {row['mean_travel_time_s']:>9.1f} "
            f"{row['arrived']:>8} {row['due']:>7}  {'YES' if row['gridlock'] else 'no'}"
        )
    typer.echo(
        f"{'mean':>6} {report['mean_delay_s']:>9.1f} {report['mean_travel_time_s']:>9.1f} "
        f"{report['arrived']:>8} {report['due']:>7}  {'YES' if report['gridlock'] else 'no'}"
    )


def register(app: typer.Typer) -> None:
    """Add this feature's commands to the pillar's command group."""

    @app.command()
    def evaluate(
        ctx: typer.Context,
        scenario: str = typer.Argument(
            ..., help="'demo', or a .sumocfg, .net.xml, .osm or .osm.xml file"
        ),
        controller: str = typer.Option("hostcity", "--controller", "-c", help="controller name"),
        seeds: str = typer.Option("1,2,3", "--seeds", help="comma-separated SUMO seeds"),
        as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
    ) -> None:
        """Run SCENARIO headless with a signal controller and report delay per vehicle."""
        from hostcity.brain.control.evaluate import parse_seeds
        from hostcity.brain.control.service import ControlService

        chosen = parse_seeds(seeds)
        service = ControlService(state(ctx).settings())
        with progress_bar(f"evaluating {controller}", enabled=not as_json) as report:
            result = service.evaluate(scenario, controller, chosen, progress=report)
        if as_json:
            print_json(result)
        else:
            _print_report(result)

    @app.command()
    def controllers(
        as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
    ) -> None:
        """List the signal controllers."""
        from hostcity.brain.control.service import controller_catalogue

        catalogue = controller_catalogue()
        if as_json:
            print_json({"controllers": catalogue})
            return
        for entry in catalogue:
            typer.echo(f"{entry['name']:<14} {entry['description']}")
