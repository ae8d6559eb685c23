"""``hostcity pass``: the smartpass pillar's commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="Smart Pass: face gates, athletes and agendas, trips, venue egress.", no_args_is_help=True)
