"""The transit CLI commands: import-gtfs, feeds and journey, in text and JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from hostcity.cli.context import CliState
from hostcity.cli.smartpass import transit
from hostcity.core.errors import InputError
from hostcity.core.settings import Settings
from tests.smartpass.transit.builders import corridor_feed, feed_zip

ARGS = ["--from", "52.4301,13.5001", "--to", "52.4301,13.5451", "--depart", "2026-02-10T08:50:00"]


def _run(settings: Settings, *args: str) -> tuple[int, str, str]:
    app = typer.Typer()
    transit.register(app)

    @app.callback()
    def root(ctx: typer.Context) -> None:
        ctx.obj = CliState(data_dir=settings.data_dir)
        ctx.call_on_close(ctx.obj.close)

    result = CliRunner().invoke(app, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("HOSTCITY_SECRET_KEY", settings.secret_key)
    monkeypatch.setenv("HOSTCITY_BRAIN__TWIN_ENABLED", "false")
    return settings


def test_journey_on_a_gtfs_file_prints_one_json_object(env: Settings, tmp_path: Path) -> None:
    path = feed_zip(tmp_path, corridor_feed(), "corridor")
    code, out, _ = _run(env, "journey", "--gtfs", str(path), *ARGS, "--json")
    assert code == 0
    data = json.loads(out)
    assert [(j["transfers"], j["arrive"][:16]) for j in data["journeys"]] == [
        (0, "2026-02-10T09:40"),
        (1, "2026-02-10T09:20"),
    ]
    leg = data["journeys"][1]["legs"][1]
    assert {"mode", "from", "to", "depart", "arrive", "route"} <= set(leg)


def test_import_then_journey_over_imported_feeds(env: Settings, tmp_path: Path) -> None:
    path = feed_zip(tmp_path, corridor_feed(), "corridor")
    code, out, _ = _run(env, "import-gtfs", str(path), "--json")
    assert code == 0
    assert json.loads(out)["stops"] == 4
    code, out, _ = _run(env, "feeds", "--json")
    assert [f["id"] for f in json.loads(out)["feeds"]] == ["corridor"]
    code, out, _ = _run(env, "journey", *ARGS)
    assert code == 0
    assert "ride F1" in out
    assert "1 transfer(s)" in out


def test_import_of_a_broken_feed_fails_with_the_place(env: Settings, tmp_path: Path) -> None:
    files = corridor_feed()
    files["stop_times.txt"] = files["stop_times.txt"].replace("09:30:00,09:30:00", "9h,9h")
    path = feed_zip(tmp_path, files, "broken")
    with pytest.raises(InputError, match=r"stop_times.txt line 4, field arrival_time"):
        _run(env, "import-gtfs", str(path))


def test_import_with_a_missing_street_network_says_so(env: Settings, tmp_path: Path) -> None:
    path = feed_zip(tmp_path, corridor_feed(), "corridor")
    with pytest.raises(InputError, match=r"street network .*nope.net.xml does not exist"):
        _run(env, "import-gtfs", str(path), "--streets", str(tmp_path / "nope.net.xml"))
