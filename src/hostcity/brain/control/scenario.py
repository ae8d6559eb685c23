"""Scenarios: the network, demand and time window a simulation runs, loaded from any source."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hostcity.brain.control.errors import ScenarioError

DEMO = "demo"
OSM_SUFFIXES = (".osm", ".osm.xml")
FILE_KINDS = {
    "sumocfg": (".sumocfg",),
    "net": (".net.xml", ".net.xml.gz"),
    "osm": OSM_SUFFIXES,
}
"""Scenario file kinds, by the endings of their names."""


def scenario_file(spec: str | Path, kinds: tuple[str, ...] = tuple(FILE_KINDS)) -> tuple[str, Path]:
    """The kind (a key of ``FILE_KINDS``) and resolved path of the scenario file ``spec``.

    Raises:
        ScenarioError: when the file is missing or its name ends in none of ``kinds``.
    """
    endings = [ending for kind in kinds for ending in FILE_KINDS[kind]]
    listed = ", ".join(endings[:-1]) + f" or {endings[-1]}"
    path = Path(spec).expanduser().resolve()
    if not path.is_file():
        raise ScenarioError(
            f"scenario file {path} does not exist",
            hint=f"pass 'demo' or the path of a {listed} file",
        )
    name = path.name.lower()
    for kind in kinds:
        if name.endswith(FILE_KINDS[kind]):
            return kind, path
    raise ScenarioError(
        f"cannot tell what {path} is from its name",
        hint=f"use 'demo', or a file ending in {listed}",
    )


@dataclass(frozen=True)
class Scenario:
    """Files and time window of one SUMO scenario.

    Attributes:
        name: Short name (the config or network file stem, or 'demo').
        net_file: The SUMO network.
        route_files: Route or trip files, in load order.
        additional_files: Additional files (detectors, programs), in load order.
        begin_s: Simulation start, in seconds of the scenario's clock.
        end_s: Simulation end; vehicles due before it count in evaluations.
        time_compression: Clock seconds each simulated second stands for (the demo city plays
            a day in 4.5 hours: 4); 1 for scenarios that run at their own pace.
    """

    name: str
    net_file: Path
    route_files: tuple[Path, ...]
    additional_files: tuple[Path, ...]
    begin_s: float
    end_s: float
    time_compression: float = 1.0

    @property
    def duration_s(self) -> float:
        """Length of the simulated window."""
        return self.end_s - self.begin_s

    def sumo_args(self, *, end_s: float | None = None) -> list[str]:
        """Command-line arguments that load this scenario in SUMO (no binary name).

        Args:
            end_s: Stop here instead of at ``end_s`` of the scenario.
        """
        args = ["--net-file", str(self.net_file), "--begin", f"{self.begin_s:g}"]
        args += ["--end", f"{self.end_s if end_s is None else end_s:g}"]
        if self.route_files:
            args += ["--route-files", ",".join(str(p) for p in self.route_files)]
        if self.additional_files:
            args += ["--additional-files", ",".join(str(p) for p in self.additional_files)]
        return args

    def to_dict(self) -> dict[str, object]:
        """JSON-ready description."""
        return {
            "name": self.name,
            "net_file": str(self.net_file),
            "route_files": [str(p) for p in self.route_files],
            "additional_files": [str(p) for p in self.additional_files],
            "begin_s": self.begin_s,
            "end_s": self.end_s,
        }


def load_scenario(
    spec: str | Path, workdir: Path, *, seed: int = 42, check: bool = True
) -> Scenario:
    """Load a scenario from 'demo', a .sumocfg, a .net.xml or an OpenStreetMap file.

    Args:
        spec: 'demo' (the built-in demo city), or the path of a ``.sumocfg``, a ``.net.xml``
            (routes ``<stem>.rou.xml`` next to it are used, otherwise random trips are made),
            or an ``.osm`` / ``.osm.xml`` extract (built with netconvert, then random trips).
        workdir: Where generated files (networks, demand) are written; created if missing.
        seed: Seed of generated demand.
        check: Load the scenario once in SUMO to report errors now, naming file and line.

    Returns:
        The scenario, with absolute paths.

    Raises:
        ScenarioError: for a missing, malformed or unusable file, naming it (and the line
            where SUMO gives one).
        DependencyError: when a SUMO tool is missing or crashes.
    """
    from hostcity.brain.control.adapters import scenario_files

    workdir.mkdir(parents=True, exist_ok=True)
    if str(spec) == DEMO:
        from hostcity.brain.control.adapters.demo_city import build_demo_city

        scenario = build_demo_city(workdir, seed=seed)
    else:
        kind, path = scenario_file(spec)
        if kind == "sumocfg":
            scenario = scenario_files.from_sumocfg(path)
        elif kind == "net":
            scenario = scenario_files.from_net(path, workdir, seed=seed)
        else:
            scenario = scenario_files.from_osm(path, workdir, seed=seed)
    if check:
        scenario_files.check_loads(scenario)
    return scenario
