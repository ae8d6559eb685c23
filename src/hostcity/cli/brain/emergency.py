"""CLI commands of the emergency feature: ``ev-eval``, ``units`` and ``dispatch`` (with cancel)."""

from __future__ import annotations

from typing import Any

import typer

from hostcity.cli.context import print_json, state
from hostcity.cli.progress import progress_bar
from hostcity.core.db import MAX_ROW_ID


def _print_report(report: dict[str, Any]) -> None:
    typer.echo(f"scenario {report['scenario']}, seeds {report['seeds']}, trips {report['trips']}")
    typer.echo(f"{'seed':>5} {'trip':>5} {'normal s':>9} {'pre-empt s':>11}")
    for row in report["per_trip"]:
        base = "-" if row["travel_time_s"] is None else f"{row['travel_time_s']:.0f}"
        pre = "-" if row["preempt_s"] is None else f"{row['preempt_s']:.0f}"
        typer.echo(f"{row['seed']:>5} {row['trip']:>5} {base:>9} {pre:>11}")
    typer.echo(
        f"emergency travel time {report['ev_travel_time_s']:.0f} s -> "
        f"{report['ev_travel_time_preempt_s']:.0f} s ({report['ev_reduction']:+.0%}); "
        f"free-flow bound {report['ev_free_flow_s']:.0f} s ({report['ev_reduction_bound']:+.0%})"
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
        resume: str = typer.Option(
            "next",
            "--resume",
            help="where signals resume after the vehicle: next, longest-queue or interrupted",
        ),
        as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
    ) -> None:
        """Run the same emergency trips on SCENARIO with and without signal pre-emption."""
        from hostcity.brain.control.evaluate import parse_seeds
        from hostcity.brain.control.service import workdir
        from hostcity.brain.emergency.errors import EmergencyInputError
        from hostcity.brain.emergency.evaluate import ev_evaluate
        from hostcity.brain.emergency.planner import PlanParams

        if not 1 <= trips <= 50:
            raise EmergencyInputError(f"--trips {trips} is out of range", hint="use 1 to 50")
        chosen = parse_seeds(seeds)
        params = PlanParams(resume=resume)
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
                params=params,
            )
        if as_json:
            print_json(result)
        else:
            _print_report(result)

    units_app = typer.Typer(
        help="Emergency units: list (the default), add or update, remove.",
        invoke_without_command=True,
    )
    app.add_typer(units_app, name="units")

    @units_app.callback()
    def units(
        ctx: typer.Context,
        as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
    ) -> None:
        """List emergency units with their stations and status ('hostcity demo' seeds some)."""
        if ctx.invoked_subcommand is None:
            _list_units(ctx, as_json=as_json)

    @units_app.command("list")
    def units_list(
        ctx: typer.Context,
        as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
    ) -> None:
        """List emergency units with their stations and status."""
        _list_units(ctx, as_json=as_json)

    @units_app.command("add")
    def units_add(  # noqa: PLR0917 - typer passes options by position
        ctx: typer.Context,
        unit_id: str = typer.Argument(..., help="unit id, e.g. amb-3 (lower-case, digits, dashes)"),
        kind: str = typer.Option(..., "--kind", help="ambulance, fire or police"),
        name: str | None = typer.Option(None, "--name", help="name shown to operators"),
        edge: str | None = typer.Option(None, "--edge", help="station on this edge"),
        pos_m: float | None = typer.Option(None, "--pos-m", help="position on --edge (middle)"),
        x: float | None = typer.Option(None, "--x", help="station, network x metres"),
        y: float | None = typer.Option(None, "--y", help="station, network y metres"),
        lon: float | None = typer.Option(None, "--lon", help="station longitude (geo networks)"),
        lat: float | None = typer.Option(None, "--lat", help="station latitude (geo networks)"),
        as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
    ) -> None:
        """Add a unit, or update one, with its station snapped to settings.brain.scenario's roads.

        Reads the scenario's network (no twin runs); a running server's units change at once,
        and a unit on a call keeps its status (its new station counts from its next call).
        """
        from hostcity.brain.emergency.adapters.roads import scenario_picture
        from hostcity.brain.emergency.calls import CallLocation
        from hostcity.brain.emergency.setup import SERVICE

        where = CallLocation(x=x, y=y, lon=lon, lat=lat, edge_id=edge, pos_m=pos_m)
        platform = state(ctx).platform()
        unit, created = platform.service(SERVICE).save_unit(
            scenario_picture(platform.settings), unit_id, kind, name, where
        )
        if as_json:
            print_json({"unit": unit, "created": created})
            return
        station = unit["station"]
        typer.echo(
            f"unit {unit['id']} ({unit['kind']}) {'added' if created else 'updated'}: station on "
            f"{station['edge']} at ({station['x']:.0f}, {station['y']:.0f})"
        )

    @units_app.command("remove")
    def units_remove(
        ctx: typer.Context,
        unit_id: str = typer.Argument(..., help="the unit to remove"),
    ) -> None:
        """Remove a unit (refused while it is on a call or returning)."""
        from hostcity.brain.emergency.setup import SERVICE

        state(ctx).platform().service(SERVICE).remove_unit(unit_id)
        typer.echo(f"unit {unit_id} removed")

    dispatch_app = typer.Typer(invoke_without_command=True)
    app.add_typer(dispatch_app, name="dispatch")

    @dispatch_app.callback()
    def dispatch(  # noqa: PLR0917 - typer passes options by position
        ctx: typer.Context,
        x: float | None = typer.Option(None, "--x", help="call location, network x metres"),
        y: float | None = typer.Option(None, "--y", help="call location, network y metres"),
        lon: float | None = typer.Option(None, "--lon", help="call longitude (geo networks)"),
        lat: float | None = typer.Option(None, "--lat", help="call latitude (geo networks)"),
        edge: str | None = typer.Option(None, "--edge", help="call on this edge (its middle)"),
        unit: str | None = typer.Option(None, "--unit", help="send this unit (default: fastest)"),
        warmup_s: float = typer.Option(300.0, "--warmup-s", help="simulated warm-up first"),
        limit_s: float = typer.Option(1800.0, "--limit-s", help="simulated time to arrive"),
        as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
    ) -> None:
        """Dispatch a unit in a headless twin of settings.brain.scenario and follow it.

        Runs its own twin in this process: warms it up, picks the unit with the lowest ETA on
        live travel times (or --unit), drives it with signal pre-emption, and reports the ETA
        against the real drive. Use the API (POST /api/brain/emergency/calls) for the server's
        twin; do not run this against the data directory of a running server.
        'dispatch cancel CALL_ID' cancels a call.
        """
        if ctx.invoked_subcommand is not None:
            return
        from hostcity.brain.emergency.adapters.headless import dispatch_headless
        from hostcity.brain.emergency.calls import CallLocation

        where = CallLocation(x=x, y=y, lon=lon, lat=lat, edge_id=edge)
        platform = state(ctx).platform()
        with progress_bar("dispatch", enabled=not as_json) as report:
            call = dispatch_headless(
                platform, where, unit_id=unit, warmup_s=warmup_s, limit_s=limit_s, progress=report
            )
        if as_json:
            print_json(call)
            return
        location = call["location"]
        typer.echo(
            f"call {call['id']} on {location['edge']} at ({location['x']:.0f}, "
            f"{location['y']:.0f}): unit {call['unit']} sent, ETA {call['eta_s']:.0f} s"
        )
        others = ", ".join(
            f"{k} {'-' if v is None else f'{v:.0f} s'}" for k, v in call["candidates"].items()
        )
        typer.echo(f"  ETAs of available units: {others}")
        if call["arrived"]:
            typer.echo(
                f"  on scene after {call['travel_time_s']:.0f} s, "
                f"{call['preemptions']} signal(s) pre-empted on the way"
            )
        else:
            typer.echo(f"  not on scene within {limit_s:g} s (call {call['status']})")

    @dispatch_app.command("cancel")
    def cancel(
        ctx: typer.Context,
        call_id: int = typer.Argument(..., max=MAX_ROW_ID, help="the call to cancel"),
        reason: str | None = typer.Option(None, "--reason", help="why (kept in the call's note)"),
        as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
    ) -> None:
        """Cancel a call left open in the store; its unit is available again at once.

        No twin runs in this process, so no vehicle is turned back: for calls of a running
        server use POST /api/brain/emergency/calls/{id}/cancel, which turns the unit back.
        """
        from hostcity.brain.emergency.setup import SERVICE

        call = state(ctx).platform().service(SERVICE).cancel(call_id, reason=reason)
        if as_json:
            print_json(call)
            return
        typer.echo(
            f"call {call['id']} {call['status']} ({call['note']}); unit {call['unit']} available"
        )


def _list_units(ctx: typer.Context, *, as_json: bool) -> None:
    from hostcity.brain.emergency.setup import SERVICE

    found = state(ctx).platform().service(SERVICE).units()
    if as_json:
        print_json({"units": found})
        return
    if not found:
        typer.echo("no emergency units (run 'hostcity demo' to seed the demo's)")
    for unit in found:
        station = unit["station"]
        typer.echo(
            f"{unit['id']:<10} {unit['kind']:<10} {unit['status']:<11} station on "
            f"{station['edge']} at ({station['x']:.0f}, {station['y']:.0f})"
        )
