"""Emergency CLI commands through typer's test runner (the dispatch run itself needs SUMO)."""

from __future__ import annotations

import json

import typer
from typer.testing import CliRunner

from hostcity.brain.emergency.errors import EmergencyInputError
from hostcity.brain.emergency.units import Unit
from hostcity.cli.brain import emergency as emergency_cli
from hostcity.cli.context import CliState
from hostcity.core.platform import open_platform
from hostcity.core.settings import Settings


def _app() -> typer.Typer:
    app = typer.Typer()
    emergency_cli.register(app)

    @app.callback()
    def main() -> None:
        """Test root."""

    return app


def _invoke(settings: Settings, *args: str) -> tuple[int, str, BaseException | None]:
    state = CliState(data_dir=settings.data_dir)
    state._settings = settings
    try:
        result = CliRunner().invoke(_app(), list(args), obj=state)
    finally:
        state.close()
    return result.exit_code, result.output, result.exception


def test_units_lists_the_stored_units(settings: Settings) -> None:
    code, out, _ = _invoke(settings, "units")
    assert code == 0 and "no emergency units" in out
    platform = open_platform(settings)
    try:
        platform.service("brain.emergency").add_unit(
            Unit("amb-1", "ambulance", "Ambulance 1", "e1", 10.0, (5.0, 6.0))
        )
    finally:
        platform.close()
    code, out, _ = _invoke(settings, "units", "--json")
    assert code == 0
    (unit,) = json.loads(out)["units"]
    assert (unit["id"], unit["status"], unit["station"]["edge"]) == ("amb-1", "available", "e1")
    code, out, _ = _invoke(settings, "units")
    assert "amb-1" in out and "station on e1 at (5, 6)" in out


def test_dispatch_refuses_a_warmup_out_of_range(settings: Settings) -> None:
    code, _, error = _invoke(settings, "dispatch", "--edge", "e1", "--warmup-s", "1")
    assert code != 0
    assert isinstance(error, EmergencyInputError) and "warm-up 1 s" in error.message
