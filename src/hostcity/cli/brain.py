"""``hostcity brain``: the brain pillar's commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="City Brain: traffic twin, signal control, incidents, emergencies, forecasts.", no_args_is_help=True)
