"""CLI commands of the egress feature: evaluate a venue plan in JuPedSim, ask for a way out."""

from __future__ import annotations

from pathlib import Path

import typer

from hostcity.cli.context import print_json
from hostcity.cli.progress import progress_bar
from hostcity.smartpass.egress.assignment import quickest_exit_plan
from hostcity.smartpass.egress.evaluation import evaluate_egress, spread_agents
from hostcity.smartpass.egress.venue import load_venue


def egress_eval(
    venue_file: Path = typer.Argument(..., help="venue plan JSON (docs/venue-format.md)"),
    agents: int = typer.Option(800, "--agents", help="spectators to evacuate"),
    seed: int = typer.Option(1, help="seed for placing agents"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    """Simulate the venue's evacuation in JuPedSim: nearest exit vs HostCity's exits."""
    venue = load_venue(venue_file)
    with progress_bar(f"evacuating {venue.name}", enabled=not as_json) as report:
        result = evaluate_egress(venue, agents, seed=seed, on_progress=report)
    if as_json:
        print_json(result)
        return
    typer.echo(f"{venue.name}: {agents} agents")
    typer.echo(f"  everyone to the nearest exit: {result['evac_time_nearest_s']:.1f} s")
    typer.echo(f"  HostCity's recommended exits: {result['evac_time_hostcity_s']:.1f} s")
    typer.echo(f"  reduction: {result['reduction']:.1%}")


def exit_plan(
    venue_file: Path = typer.Argument(..., help="venue plan JSON"),
    agents: int = typer.Option(0, "--agents", help="people in the stands (default: full)"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    """Show the recommended exits per section for a venue plan."""
    venue = load_venue(venue_file)
    crowd = spread_agents(venue, agents) if agents else {s.id: s.capacity for s in venue.sections}
    plan = quickest_exit_plan(venue, crowd)
    shares = plan.exit_shares()
    if as_json:
        print_json({"venue": venue.id, "est_evacuation_s": plan.est_evacuation_s,
                    "sections": shares})  # fmt: skip
        return
    for section, split in shares.items():
        text = ", ".join(f"{exit_id} {share:.0%}" for exit_id, share in split.items())
        typer.echo(f"{section}: {text}")
    typer.echo(f"estimated time to empty the venue: {plan.est_evacuation_s:.0f} s")


def register(app: typer.Typer) -> None:
    """Add the egress commands to ``hostcity pass``."""
    app.command("egress-eval")(egress_eval)
    app.command("exit-plan")(exit_plan)
