"""``hostcity brain``: the brain pillar's commands, one module per feature."""

import typer

from hostcity.cli.brain import control, emergency, forecast, history, incidents, twin

app = typer.Typer(
    help="City Brain: traffic twin, signal control, incidents, emergencies, forecasts.",
    no_args_is_help=True,
)
control.register(app)
twin.register(app)
forecast.register(app)
history.register(app)
incidents.register(app)
emergency.register(app)
