"""Scenario sources on disk: SUMO configs, networks, OpenStreetMap extracts, random demand."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from hostcity.brain.control.adapters.sumo_tools import (
    binary,
    python_tool,
    run_tool,
    tool_script,
)
from hostcity.brain.control.errors import ScenarioError
from hostcity.brain.control.scenario import Scenario

DEFAULT_END_S = 3600.0
RANDOM_TRIP_PERIOD_S = 2.0


def _parse_xml(path: Path) -> ET.Element:
    try:
        return ET.parse(path).getroot()
    except ET.ParseError as exc:
        line, column = exc.position
        raise ScenarioError(
            f"{path}: malformed XML at line {line}, column {column}",
            hint="fix the file there (an unclosed tag or a stray character)",
        ) from exc


def _file_list(value: str, base: Path) -> tuple[Path, ...]:
    names = [part.strip() for part in value.replace(" ", ",").split(",") if part.strip()]
    return tuple((base / name).resolve() for name in names)


def _option(root: ET.Element, name: str) -> str | None:
    for element in root.iter(name):
        value = element.get("value")
        if value is not None:
            return value
    return None


def _seconds(value: str | None, default: float, *, where: Path, option: str) -> float:
    if value is None:
        return default
    try:
        if ":" in value:  # SUMO also accepts [[dd:]hh:]mm:ss
            total = 0.0
            for part in value.split(":"):
                total = total * 60 + float(part)
            return total
        return float(value)
    except ValueError:
        raise ScenarioError(
            f"{where}: option {option} has value {value!r}, which is not a time",
            hint="give seconds, for example 3600",
        ) from None


def from_sumocfg(path: Path) -> Scenario:
    """A scenario from a SUMO configuration file.

    Raises:
        ScenarioError: for malformed XML, a missing net-file, or a listed file that is missing.
    """
    root = _parse_xml(path)
    base = path.parent
    net = _option(root, "net-file")
    if net is None:
        raise ScenarioError(
            f"{path}: no <net-file> in the configuration",
            hint='add <input><net-file value="my.net.xml"/></input>',
        )
    net_file = _file_list(net, base)[0]
    routes = _file_list(_option(root, "route-files") or "", base)
    additional = _file_list(_option(root, "additional-files") or "", base)
    for listed in (net_file, *routes, *additional):
        if not listed.is_file():
            raise ScenarioError(
                f"{path}: lists {listed.name}, which does not exist at {listed}",
                hint="fix the file name in the configuration",
            )
    begin = _seconds(_option(root, "begin"), 0.0, where=path, option="begin")
    end = _seconds(_option(root, "end"), begin + DEFAULT_END_S, where=path, option="end")
    if end <= begin:
        raise ScenarioError(f"{path}: end {end:g} s is not after begin {begin:g} s")
    stem = path.name.removesuffix(".sumocfg")
    return Scenario(stem, net_file, routes, additional, begin, end)


def _net_stem(path: Path) -> str:
    name = path.name
    for suffix in (".net.xml.gz", ".net.xml"):
        if name.endswith(suffix):
            return name.removesuffix(suffix)
    return path.stem


def from_net(path: Path, workdir: Path, *, seed: int) -> Scenario:
    """A scenario from a network: routes ``<stem>.rou.xml`` beside it, else random trips."""
    stem = _net_stem(path)
    beside = sorted(path.parent.glob(f"{stem}*.rou.xml"))
    if beside:
        return Scenario(stem, path, tuple(beside), (), 0.0, DEFAULT_END_S)
    trips = random_trips(path, workdir / f"{stem}.seed{seed}.rou.xml", seed=seed)
    return Scenario(stem, path, (trips,), (), 0.0, DEFAULT_END_S)


def from_osm(path: Path, workdir: Path, *, seed: int) -> Scenario:
    """A scenario from an OpenStreetMap extract: netconvert, then random trips.

    Raises:
        ScenarioError: when the extract has no roads for cars.
    """
    stem = path.name.removesuffix(".xml").removesuffix(".osm")
    net_file = workdir / f"{stem}.net.xml"
    build_osm_network(path, net_file)
    trips = random_trips(net_file, workdir / f"{stem}.seed{seed}.rou.xml", seed=seed)
    return Scenario(stem, net_file, (trips,), (), 0.0, DEFAULT_END_S)


def build_osm_network(osm_file: Path, net_file: Path) -> Path:
    """Build a SUMO network from OSM with guessed signals and ramps and cleaned geometry.

    Raises:
        ScenarioError: when netconvert rejects the file or finds no roads.
    """
    _parse_xml(osm_file)
    args = [
        binary("netconvert"),
        "--osm-files", str(osm_file),
        "--output-file", str(net_file),
        "--keep-edges.by-vclass", "passenger",
        "--remove-edges.isolated",
        "--geometry.remove",
        "--ramps.guess",
        "--roundabouts.guess",
        "--junctions.join",
        "--tls.guess-signals",
        "--tls.guess",
        "--tls.discard-simple",
        "--tls.join",
        "--tls.default-type", "static",
        "--no-turnarounds.except-deadend",
        "--output.street-names",
        "--no-warnings",
    ]  # fmt: skip
    try:
        run_tool(args, what="building the network from OpenStreetMap", blame=osm_file)
    except ScenarioError as exc:
        if "No edges" not in exc.message and "no nodes" not in exc.message.lower():
            raise
        net_file.unlink(missing_ok=True)
    if not net_file.is_file() or not _has_edges(net_file):
        raise ScenarioError(
            f"{osm_file}: the OpenStreetMap extract has no roads for cars",
            hint="export an area that contains streets (highway=* ways)",
        )
    return net_file


def _has_edges(net_file: Path) -> bool:
    for _event, element in ET.iterparse(net_file, events=("start",)):
        if element.tag == "edge" and element.get("function") != "internal":
            return True
    return False


def random_trips(
    net_file: Path,
    out_file: Path,
    *,
    seed: int,
    end_s: float = DEFAULT_END_S,
    period_s: float = RANDOM_TRIP_PERIOD_S,
) -> Path:
    """Random trips over ``net_file`` with SUMO's randomTrips, routed and checked.

    Raises:
        ScenarioError: when no trip can be made on the network.
    """
    if out_file.is_file():
        return out_file
    args = python_tool(
        tool_script("randomTrips.py"),
        [
            "--net-file", str(net_file),
            "--route-file", str(out_file),
            "--output-trip-file", str(out_file.with_suffix(".trips.xml")),
            "--seed", str(seed),
            "--begin", "0",
            "--end", f"{end_s:g}",
            "--period", f"{period_s:g}",
            "--fringe-factor", "5",
            "--min-distance", "300",
            "--vclass", "passenger",
            "--validate",
        ],
    )  # fmt: skip
    run_tool(args, what="making random trips", blame=net_file)
    if not out_file.is_file():
        raise ScenarioError(
            f"{net_file}: randomTrips made no routes", hint="check the network has connected roads"
        )
    return out_file


def check_loads(scenario: Scenario) -> None:
    """Load the scenario in SUMO without simulating, so errors surface with file and line.

    Raises:
        ScenarioError: naming SUMO's first error (file and line where SUMO gives them).
    """
    args = [binary("sumo"), *scenario.sumo_args(end_s=scenario.begin_s)]
    args += ["--route-steps", "0", "--no-step-log"]
    args += ["--no-warnings", "--xml-validation", "never", "--duration-log.disable"]
    try:
        run_tool(args, what=f"loading scenario {scenario.name}", blame=scenario.net_file)
    except ScenarioError as exc:
        raise _blame_demand(exc, scenario) from None


_DEMAND_WORDS = ("route", "trip", "vehicle", "flow", "person")
_ID_RE = re.compile(r"(?:trip|vehicle|flow|route|person) '([^']+)'")


def _blame_demand(exc: ScenarioError, scenario: Scenario) -> ScenarioError:
    """Point an error about a vehicle or route at the route file and line that define it."""
    message = exc.message.removeprefix(f"{scenario.net_file}: ")
    if ", line " in message.split(": ", 1)[0] or not any(w in message for w in _DEMAND_WORDS):
        return exc
    match = _ID_RE.search(message)
    for route_file in scenario.route_files:
        line = _line_defining(route_file, match.group(1)) if match else None
        if line is not None:
            return ScenarioError(f"{route_file}, line {line}: {message}", hint=exc.hint)
    files = ", ".join(str(p) for p in scenario.route_files) or str(scenario.net_file)
    return ScenarioError(f"{files}: {message}", hint=exc.hint)


def _line_defining(path: Path, element_id: str) -> int | None:
    needle = f'id="{element_id}"'
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, text in enumerate(handle, start=1):
            if needle in text:
                return number
    return None
