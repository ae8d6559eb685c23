"""Scenario loading against real SUMO tools, with good and bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from hostcity.brain.control.errors import ScenarioError
from hostcity.brain.control.scenario import Scenario, load_scenario
from tests.brain.control.conftest import Grid, write_config, write_routes

# Two crossing streets with a signal in the middle, as OpenStreetMap exports them.
OSM_CROSSING = """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6">
  <node id="1" lat="52.5000" lon="13.4000"/>
  <node id="2" lat="52.5000" lon="13.4030"><tag k="highway" v="traffic_signals"/></node>
  <node id="3" lat="52.5000" lon="13.4060"/>
  <node id="4" lat="52.4980" lon="13.4030"/>
  <node id="5" lat="52.5020" lon="13.4030"/>
  <way id="10"><nd ref="1"/><nd ref="2"/><nd ref="3"/><tag k="highway" v="primary"/></way>
  <way id="11"><nd ref="4"/><nd ref="2"/><nd ref="5"/><tag k="highway" v="secondary"/></way>
</osm>
"""
OSM_NO_ROADS = """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6">
  <node id="1" lat="52.5" lon="13.4"/>
  <node id="2" lat="52.5" lon="13.41"/>
  <way id="10"><nd ref="1"/><nd ref="2"/><tag k="waterway" v="river"/></way>
</osm>
"""


def test_sumocfg_gives_files_and_time_window(grid: Grid, tmp_path: Path) -> None:
    scenario = load_scenario(grid.config, tmp_path)
    assert scenario == Scenario("grid", grid.net, (grid.routes,), (), 0.0, 300.0)
    assert "--route-files" in scenario.sumo_args()


def test_net_uses_routes_next_to_it(grid: Grid, tmp_path: Path) -> None:
    scenario = load_scenario(grid.net, tmp_path)
    assert scenario.route_files == (grid.routes,)


def test_net_without_routes_gets_random_trips(grid: Grid, tmp_path: Path) -> None:
    lonely = tmp_path / "lonely.net.xml"
    lonely.write_bytes(grid.net.read_bytes())
    scenario = load_scenario(lonely, tmp_path / "work", seed=5)
    assert scenario.route_files[0].parent == tmp_path / "work"
    assert "<vehicle" in scenario.route_files[0].read_text()


def test_osm_extract_becomes_a_signalised_network(tmp_path: Path) -> None:
    osm = tmp_path / "crossing.osm.xml"
    osm.write_text(OSM_CROSSING)
    scenario = load_scenario(osm, tmp_path / "work")
    net_text = scenario.net_file.read_text()
    assert "<tlLogic" in net_text
    assert scenario.route_files[0].is_file()


def _broken_copy(
    grid: Grid, tmp_path: Path, *, net: str | None = None, routes: str | None = None
) -> Path:
    net_file = tmp_path / "grid.net.xml"
    net_file.write_text(net if net is not None else grid.net.read_text())
    route_file = tmp_path / "grid.rou.xml"
    route_file.write_text(routes if routes is not None else grid.routes.read_text())
    return write_config(tmp_path / "grid.sumocfg", net_file, route_file)


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        pytest.param("net-truncated", r"grid\.net\.xml.*line", id="malformed-net"),
        pytest.param("routes-malformed", r"grid\.rou\.xml.*line", id="malformed-routes"),
        pytest.param(
            "missing-edge", r"grid\.rou\.xml, line 3: .*nowhere", id="route-over-missing-edge"
        ),
        pytest.param(
            "config-malformed", r"grid\.sumocfg: malformed XML at line 2", id="malformed-config"
        ),
        pytest.param(
            "config-missing-file", r"lists gone\.rou\.xml", id="config-lists-missing-file"
        ),
        pytest.param("osm-no-roads", r"no roads", id="osm-without-roads"),
        pytest.param("unknown-suffix", r"cannot tell what", id="unknown-file-kind"),
        pytest.param("missing", r"does not exist", id="missing-file"),
    ],
)
def test_bad_scenarios_name_the_file_and_line(
    grid: Grid, tmp_path: Path, case: str, expected: str
) -> None:
    work = tmp_path / "work"
    if case == "net-truncated":
        text = grid.net.read_text()
        spec = _broken_copy(grid, tmp_path, net=text[: len(text) // 2])
    elif case == "routes-malformed":
        spec = _broken_copy(grid, tmp_path, routes="<routes>\n  <flow id='x' begin=0\n</routes>\n")
    elif case == "missing-edge":
        routes = write_routes(tmp_path / "tmp.rou.xml", (("left0A0", "nowhere", 100),))
        spec = _broken_copy(grid, tmp_path, routes=routes.read_text())
    elif case == "config-malformed":
        spec = tmp_path / "grid.sumocfg"
        spec.write_text("<configuration>\n  <input <net-file/>\n</configuration>\n")
    elif case == "config-missing-file":
        spec = tmp_path / "grid.sumocfg"
        spec.write_text(
            f'<configuration><input><net-file value="{grid.net}"/>'
            '<route-files value="gone.rou.xml"/></input></configuration>'
        )
    elif case == "osm-no-roads":
        spec = tmp_path / "lake.osm"
        spec.write_text(OSM_NO_ROADS)
    elif case == "unknown-suffix":
        spec = tmp_path / "city.txt"
        spec.write_text("hello")
    else:
        spec = tmp_path / "nothing.sumocfg"
    with pytest.raises(ScenarioError, match=expected):
        load_scenario(spec, work)
