"""Plain data of the live twin: observations, detectors, network geometry, live state, status."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

CONTROLLER_NAMES = ("fixed", "actuated", "max-pressure", "hostcity")
"""Signal controllers a junction can run; the decision logic lives in ``brain.control``."""


@dataclass(frozen=True)
class Observation:
    """One validated traffic-flow observation of one detector over one time window.

    Attributes:
        detector_id: The sensor, from the entity id without ``urn:ngsi-ld:TrafficFlowObserved:``.
        observed_from: Start of the window (UTC); equals ``observed_to`` for an instant.
        observed_to: End of the window (UTC).
        intensity_veh: Vehicles counted in the window.
        flow_veh_per_h: ``intensity_veh`` as an hourly rate; None without a window.
        occupancy: Fraction of the window the detector was occupied, 0 to 1.
        speed_mps: Mean speed of the vehicles that passed.
        lane_id: Lane number on the road segment (0 is the rightmost in SUMO's convention).
        road_segment: The road segment the detector is on.
        lon: Longitude of the detector, when the entity has a location.
        lat: Latitude of the detector, when the entity has a location.
        source: Who sent it: 'twin' or 'api'.
        green_s: Seconds of the window the detector's approach had green, when the sender
            knows the signal state (the twin does; most real sensors do not).
        occupied_now: Whether a vehicle stood on the detector at the window's end, when known.
    """

    detector_id: str
    observed_from: datetime
    observed_to: datetime
    intensity_veh: float | None = None
    flow_veh_per_h: float | None = None
    occupancy: float | None = None
    speed_mps: float | None = None
    lane_id: int | None = None
    road_segment: str | None = None
    lon: float | None = None
    lat: float | None = None
    source: str = "api"
    green_s: float | None = None
    occupied_now: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict with ISO timestamps."""
        data = dict(vars(self))  # every field is a scalar: no deep copy (asdict) needed
        data["observed_from"] = self.observed_from.isoformat()
        data["observed_to"] = self.observed_to.isoformat()
        return data


@dataclass(frozen=True)
class Approach:
    """An incoming lane of a signalised junction, where a detector goes."""

    tls_id: str
    lane_id: str
    edge_id: str
    lane_index: int
    length_m: float
    end_lon_lat: tuple[float, float] | None = None


@dataclass(frozen=True)
class DetectorSpec:
    """An induction loop placed on an approach lane."""

    detector_id: str
    tls_id: str
    lane_id: str
    edge_id: str
    lane_index: int
    pos_m: float
    lon_lat: tuple[float, float] | None = None


@dataclass(frozen=True)
class DetectorReading:
    """What one induction loop measured over one interval of simulated time.

    ``green_s`` (seconds of green its lane had) and ``occupied_now`` (a vehicle on the loop at
    the interval's end) are None where the run does not know them.
    """

    detector_id: str
    begin_s: float
    end_s: float
    vehicles: int
    occupancy_pct: float
    mean_speed_mps: float | None
    green_s: float | None = None
    occupied_now: bool | None = None


@dataclass(frozen=True)
class EdgeGeometry:
    """A road edge drawn as a polyline in network x/y metres."""

    edge_id: str
    from_node: str
    to_node: str
    lanes: int
    speed_limit_mps: float
    shape: list[tuple[float, float]]
    name: str = ""
    """The street's name, where the network has one (OSM imports do)."""


@dataclass(frozen=True)
class JunctionGeometry:
    """A junction; ``tls_id`` is set when signals control it."""

    junction_id: str
    x: float
    y: float
    tls_id: str | None


@dataclass(frozen=True)
class NetworkGeometry:
    """What the map needs: edges, junctions, and the bounding box, in network x/y metres."""

    edges: list[EdgeGeometry]
    junctions: list[JunctionGeometry]
    tls_ids: list[str]
    bounds: tuple[float, float, float, float]
    geo_referenced: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {
            "crs": "xy",
            "geo_referenced": self.geo_referenced,
            "bounds": list(self.bounds),
            "edges": [
                {
                    "id": e.edge_id,
                    "from": e.from_node,
                    "to": e.to_node,
                    "lanes": e.lanes,
                    "speed_limit_mps": e.speed_limit_mps,
                    "shape": [[round(x, 1), round(y, 1)] for x, y in e.shape],
                    "name": e.name,
                }
                for e in self.edges
            ],
            "junctions": [
                {"id": j.junction_id, "x": round(j.x, 1), "y": round(j.y, 1), "tls": j.tls_id}
                for j in self.junctions
            ],
            "tls": list(self.tls_ids),
        }


@dataclass(frozen=True)
class Kpis:
    """Network-wide figures at one moment."""

    vehicles: int
    mean_speed_mps: float | None
    mean_delay_s: float | None


@dataclass(frozen=True)
class LiveState:
    """The twin at one simulated moment: speeds per edge, signal states, KPIs, controllers.

    ``vehicle_xy`` holds every vehicle's position in network coordinates (metres).
    """

    sim_time_s: float
    observed_at: datetime
    kpis: Kpis
    edge_speed_mps: dict[str, float]
    tls_state: dict[str, str]
    controllers: dict[str, str] = field(default_factory=dict)
    vehicle_xy: tuple[tuple[float, float], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {
            "sim_time_s": self.sim_time_s,
            "observed_at": self.observed_at.isoformat(),
            "kpis": asdict(self.kpis),
            "edge_speed_mps": {k: round(v, 2) for k, v in self.edge_speed_mps.items()},
            "tls_state": dict(self.tls_state),
            "controllers": dict(self.controllers),
            "vehicle_xy": [[round(x, 1), round(y, 1)] for x, y in self.vehicle_xy],
        }


@dataclass
class TwinStatus:
    """How the background twin is doing; ``state`` says 'restarting: <reason>' after a failure."""

    state: str = "stopped"
    scenario: str = ""
    speed: float = 0.0
    begin_s: float = 0.0
    sim_time_s: float = 0.0
    achieved_speed: float | None = None
    runs: int = 0
    restarts: int = 0
    last_error: str | None = None
    detectors: int = 0
    since: datetime | None = None
    time_compression: float = 1.0
    """Clock seconds each simulated second stands for (4 in the demo city's day)."""
    clock_epoch: datetime | None = None
    """The moment simulated second 0 stands for on the stored readings' clock."""
    vehicles: int | None = None
    """Vehicles in the network at the latest live state (None before the first)."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        data = asdict(self)
        data["since"] = self.since.isoformat() if self.since else None
        data["clock_epoch"] = self.clock_epoch.isoformat() if self.clock_epoch else None
        return data
