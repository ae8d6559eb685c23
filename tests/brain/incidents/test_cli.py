"""Incident CLI commands, run through typer's test runner on a temporary data directory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner, Result

from hostcity.brain.incidents.setup import SERVICE
from hostcity.cli.brain import incidents as incidents_cli
from hostcity.cli.context import CliState
from hostcity.core.db import session_scope
from hostcity.core.errors import NotFoundError
from hostcity.core.platform import open_platform
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


def test_exercises_are_listed_beside_a_running_server_and_left_alone(settings: Settings) -> None:
    code, out = _invoke(settings, "incident-exercises")
    assert code == 0 and "no exercises" in out
    server = open_platform(settings)
    try:
        book = server.service(SERVICE).exercises
        book.sim_s = 100.0
        done = book.start("loop-7", "e7_0", "e7", 5)
        book.update(done, state="stalled", vehicle="v1", stalled_s=110.0)
        book.sim_s = 152.0
        with session_scope(server.session_factory) as session:
            incident = server.service(SERVICE).report(
                session, {"edge_id": "e7", "detector_id": "loop-7"}
            )
        book.note_incidents([incident])
        book.update(done, state="over", released_s=410.0)
        left_on = book.start("loop-9", "e9_0", "e9", 2)

        code, out = _invoke(settings, "incident-exercises")
        assert code == 0, out
        assert f"#{left_on.id:<4} waiting  detector loop-9 for 2 min, no incident" in out
        assert (
            f"#{done.id:<4} over     detector loop-7 for 5 min, incident #{incident.id} after 42 s"
            in out
        )
        assert "detection raised 1 of 1 stalled vehicles, on average 42 s after the stall" in out
        assert book.all()[0].state == "waiting"  # the command changed nothing of the server's
    finally:
        server.close()

    restarted = open_platform(settings)
    try:
        restarted.start_workers()  # a server starts: the exercise left on is over
    finally:
        restarted.close()
    code, out = _invoke(settings, "incident-exercises", "--json")
    assert code == 0, out
    listed = json.loads(out)
    assert [(e["id"], e["state"]) for e in listed["exercises"]] == [
        (left_on.id, "expired"),
        (done.id, "over"),
    ]
    assert listed["summary"] == {"stalled": 1, "detected": 1, "mean_detected_after_s": 42}
