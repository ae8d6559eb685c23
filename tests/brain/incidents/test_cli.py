"""Incident CLI commands, run through typer's test runner on a temporary data directory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner, Result

from hostcity.cli.brain import incidents as incidents_cli
from hostcity.cli.context import CliState
from hostcity.core.errors import NotFoundError
from hostcity.core.settings import Settings


def _app() -> typer.Typer:
    app = typer.Typer()
    incidents_cli.register(app)

    @app.callback()
    def main() -> None:
        """Test root."""

    return app


def _result(settings: Settings, *args: str) -> Result:
    state = CliState(data_dir=settings.data_dir)
    state._settings = settings
    try:
        return CliRunner().invoke(_app(), list(args), obj=state)
    finally:
        state.close()


def _invoke(settings: Settings, *args: str) -> tuple[int, str]:
    result = _result(settings, *args)
    return result.exit_code, result.output


def test_webhook_list_and_cap_commands(settings: Settings, tmp_path: Path) -> None:
    code, out = _invoke(settings, "incident-webhook-add", "https://ops.example/h", "--json")
    assert code == 0, out
    assert json.loads(out)["url"] == "https://ops.example/h"
    code, out = _invoke(settings, "incidents", "--json")
    assert code == 0
    assert json.loads(out) == {"incidents": []}
    code, out = _invoke(settings, "incidents")
    assert "no incidents" in out


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("incident-webhook-add", "gopher://x"), id="bad-url"),
        pytest.param(("incident-decide", "5", "confirm"), id="unknown-incident"),
        pytest.param(("incidents-eval", "demo", "--seeds", "a,b"), id="bad-seeds"),
    ],
)
def test_bad_input_fails_with_a_message(settings: Settings, args: tuple[str, ...]) -> None:
    code, _out = _invoke(settings, *args)
    assert code != 0


def test_an_incident_id_too_large_for_any_row_is_refused_by_the_cli(settings: Settings) -> None:
    code, out = _invoke(settings, "incident-cap", str(10**21))
    assert code == 2
    message = " ".join(out.replace("│", " ").split())
    assert "Invalid value for 'incident_id'" in message
    assert "less than or equal to 2147483647" in message


def test_damping_is_listed_and_reset_from_the_cli(settings: Settings) -> None:
    code, out = _invoke(settings, "incident-damping", "--json")
    assert (code, json.loads(out)) == (0, {"detectors": []})
    failed = _result(settings, "incident-damping", "--reset", "loop-9")
    assert isinstance(failed.exception, NotFoundError)  # main() prints it as one line
    assert "'loop-9' is not damped" in str(failed.exception)
