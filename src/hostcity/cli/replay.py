"""``hostcity replay``: the replay pillar's commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="Replay Studio: multi-camera recordings, clips and highlights.", no_args_is_help=True)
