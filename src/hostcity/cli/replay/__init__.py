"""``hostcity replay``: the replay pillar's commands, one module per feature."""

import typer

from hostcity.cli.replay import clips, recordings

app = typer.Typer(
    help="Replay Studio: multi-camera recordings, clips and highlights.", no_args_is_help=True
)
recordings.register(app)
clips.register(app)
