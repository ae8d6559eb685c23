"""End to end: the live twin runs a grid, a vehicle stalls on a loop, an incident is stored."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from hostcity.brain.incidents import setup as incidents_setup
from hostcity.brain.incidents.adapters.live_runner import LiveIncidentWorker
from hostcity.brain.incidents.adapters.sumo_graph import live_graph
from hostcity.brain.incidents.service import IncidentService
from hostcity.brain.twin.adapters.sumo_twin import SumoTwinRun
from hostcity.brain.twin.service import TwinService
from hostcity.brain.twin.worker import TwinWorker
from hostcity.core.platform import Platform
from tests.brain.twin.conftest import GridScenario

pytestmark = [pytest.mark.slow]
STALL_AT_S = 450.0
RUN_S = 840.0


class StallHook:
    """From ``STALL_AT_S`` on, stalls the first vehicle found standing over a loop, for good."""

    def __init__(self) -> None:
        self.sumo: Any = None
        self.stalled: tuple[str, str, float] | None = None  # vehicle, edge, since

    def attach(self, sumo: Any, control: Any, net_file: Path) -> None:  # noqa: ARG002
        self.sumo = sumo

    def step(self, now_s: float) -> None:
        if self.stalled is not None or now_s < STALL_AT_S:
            return
        loops = self.sumo.inductionloop
        for loop in loops.getIDList():
            lane, pos_m = str(loops.getLaneID(loop)), float(loops.getPosition(loop))
            for vehicle in self.sumo.lane.getLastStepVehicleIDs(lane):
                front_m = float(self.sumo.vehicle.getLanePosition(vehicle))
                if pos_m + 0.5 <= front_m <= pos_m + 4.0:
                    self.sumo.vehicle.setSpeedMode(vehicle, 0)
                    self.sumo.vehicle.setLaneChangeMode(vehicle, 0)
                    self.sumo.vehicle.setSpeed(vehicle, 0.0)
                    self.stalled = (str(vehicle), str(self.sumo.lane.getEdgeID(lane)), now_s)
                    return

    def detach(self) -> None:
        self.sumo = None


@pytest.mark.timeout(240)
def test_a_vehicle_stalled_in_the_live_twin_becomes_an_incident(
    platform: Platform, grid: GridScenario, tmp_path: Path
) -> None:
    if incidents_setup.SERVICE not in platform.services:
        incidents_setup.register(platform)
    twin: TwinService = platform.service("brain.twin")
    incidents: IncidentService = platform.service(incidents_setup.SERVICE)
    hook = StallHook()
    twin_worker = TwinWorker(
        twin,
        lambda: SumoTwinRun(grid, workdir=tmp_path, interval_s=10.0, seed=1, hooks=[hook]),
        scenario="grid",
        speed=200.0,  # the detector keeps up with the reads (its queue holds 100 events)
        stop_after_sim_s=RUN_S,
        store_every_s=60.0,
    )
    detection = LiveIncidentWorker(
        incidents,
        twin.hub.subscribe,
        lambda: live_graph(twin.detectors, twin.net_file),
        warmup_s=300.0,
    )
    detection.start()
    twin_worker.start()
    try:
        assert twin_worker.join(120.0), "the twin did not finish its run"
        time.sleep(1.0)  # the detector reads the last events
    finally:
        twin_worker.stop()
        detection.stop()
    assert hook.stalled is not None, "no vehicle stood over a loop after the warm-up"
    _vehicle, edge, since_s = hook.stalled
    with incidents.session_factory() as session:
        found = incidents.incidents(session)
    stalled = [view for view in found if view.edge_id == edge]
    assert stalled, [view.to_dict() for view in found]
    # the twin's clock: its first stored reading starts at the scenario's begin (0 s)
    stored = twin.recent(limit=1000)
    assert len(stored) < 1000
    stall_clock = min(o.observed_from for o in stored) + timedelta(seconds=since_s)
    # raised from the 10 s reads within a signal cycle; 60 s readings take over a minute
    delay_s = (min(view.raised_at for view in stalled) - stall_clock).total_seconds()
    assert 0 <= delay_s <= 45, delay_s
    # stored readings cover 60 s each; the detector saw the 10 s reads
    assert all((o.observed_to - o.observed_from).total_seconds() == 60 for o in stored)
