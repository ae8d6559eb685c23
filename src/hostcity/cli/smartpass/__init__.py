"""``hostcity pass``: the smartpass pillar's commands, one module per feature."""

import typer

from hostcity.cli.smartpass import egress, events, faces, transit

app = typer.Typer(
    help="Smart Pass: face gates, athletes and agendas, trips, venue egress.", no_args_is_help=True
)
faces.register(app)
events.register(app)
transit.register(app)
egress.register(app)
