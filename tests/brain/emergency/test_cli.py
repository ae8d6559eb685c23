"""Emergency CLI commands through typer's test runner (the dispatch run itself needs SUMO)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from hostcity.brain.emergency.adapters.roads import read_roads
from hostcity.brain.emergency.calls import CallLocation
from hostcity.brain.emergency.errors import (
    CallNotOpenError,
    EmergencyInputError,
    OutsideNetworkError,
    UnitBusyError,
)
from hostcity.brain.emergency.units import Unit
from hostcity.cli.brain import emergency as emergency_cli
from hostcity.cli.context import CliState
from hostcity.core.errors import NotFoundError
from hostcity.core.platform import open_platform
from hostcity.core.settings import Settings, load_settings
from tests.brain.emergency.roads import grid_graph, picture
from tests.conftest import TEST_SECRET


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


@pytest.fixture
def grid_settings(settings: Settings, ev_grid_net: Path, tmp_path: Path) -> Settings:
    """Settings whose scenario is the small grid (with empty routes, so nothing is generated)."""
    net = tmp_path / "evgrid.net.xml"
    shutil.copy(ev_grid_net, net)
    (tmp_path / "evgrid.rou.xml").write_text("<routes/>\n", encoding="utf-8")
    return load_settings(
        data_dir=settings.data_dir,
        secret_key=TEST_SECRET,
        brain={"twin_enabled": False, "scenario": str(net)},
    )


def test_units_are_added_listed_and_removed(grid_settings: Settings, ev_grid_net: Path) -> None:
    graph, _ = read_roads(ev_grid_net)
    edge = sorted(graph.core)[0]
    code, out, error = _invoke(
        grid_settings, "units", "add", "amb-7", "--kind", "ambulance", "--edge", edge
    )
    assert code == 0, error
    assert f"unit amb-7 (ambulance) added: station on {edge}" in out
    x, y = graph.edges[edge].shape[0]
    code, out, error = _invoke(
        grid_settings, "units", "add", "amb-7", "--kind", "fire", "--name", "Engine 7",
        "--x", str(x + 3.0), "--y", str(y + 3.0), "--json",
    )  # fmt: skip
    assert code == 0, error
    saved = json.loads(out)
    assert saved["created"] is False and saved["unit"]["kind"] == "fire"
    assert saved["unit"]["station"]["edge"] in graph.edges
    code, out, _ = _invoke(grid_settings, "units", "list")
    assert code == 0 and "amb-7" in out and "fire" in out
    code, out, error = _invoke(grid_settings, "units", "remove", "amb-7")
    assert code == 0, error
    assert "unit amb-7 removed" in out
    code, out, _ = _invoke(grid_settings, "units", "--json")
    assert json.loads(out) == {"units": []}


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        pytest.param(["add", "amb-7", "--kind", "bus", "--x", "0", "--y", "0"],
                     EmergencyInputError, "unknown unit kind 'bus'", id="bad-kind"),
        pytest.param(["add", "AMB", "--kind", "ambulance", "--x", "0", "--y", "0"],
                     EmergencyInputError, "unit id 'AMB' is not valid", id="bad-id"),
        pytest.param(["add", "amb-7", "--kind", "ambulance", "--x", "9000", "--y", "9000"],
                     OutsideNetworkError, "outside the network", id="off-network"),
        pytest.param(["add", "amb-7", "--kind", "ambulance", "--edge", "nowhere"],
                     OutsideNetworkError, "not a road", id="unknown-edge"),
        pytest.param(["remove", "amb-9"], NotFoundError, "no emergency unit 'amb-9'",
                     id="remove-unknown"),
    ],
)  # fmt: skip
def test_bad_unit_commands_fail_clearly(
    grid_settings: Settings, args: list[str], error: type[Exception], match: str
) -> None:
    code, _, raised = _invoke(grid_settings, "units", *args)
    assert code != 0
    assert isinstance(raised, error) and match in str(raised)
    code, out, _ = _invoke(grid_settings, "units", "--json")
    assert json.loads(out) == {"units": []}


def test_dispatch_cancel_frees_the_unit_of_a_call_left_open(settings: Settings) -> None:
    platform = open_platform(settings)
    try:
        service = platform.service("brain.emergency")
        service.add_unit(Unit("amb-1", "ambulance", "Ambulance 1", "n00-n10", 50.0, (50.0, 0.0)))
        service.set_picture(picture(grid_graph()))
        call = service.dispatch(CallLocation(edge_id="n10-n11"))
    finally:
        platform.close()  # e.g. a server that stopped without closing its calls
    code, _, raised = _invoke(settings, "units", "remove", "amb-1")
    assert isinstance(raised, UnitBusyError) and code != 0
    code, out, error = _invoke(settings, "dispatch", "cancel", str(call["id"]), "--reason", "stale")
    assert code == 0, error
    expected = f"call {call['id']} cancelled (cancelled by the operator: stale); unit amb-1"
    assert expected in out
    code, out, _ = _invoke(settings, "units", "--json")
    assert json.loads(out)["units"][0]["status"] == "available"
    code, _, raised = _invoke(settings, "dispatch", "cancel", str(call["id"]))
    assert code != 0
    assert isinstance(raised, CallNotOpenError) and "is cancelled" in raised.message
    code, _, raised = _invoke(settings, "dispatch", "cancel", "999")
    assert isinstance(raised, NotFoundError) and code != 0
