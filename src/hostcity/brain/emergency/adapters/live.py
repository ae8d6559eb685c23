"""The emergency hook of the live twin: live travel times, units on the road, pre-emption.

The twin calls ``attach`` after SUMO starts, ``step`` after every simulation step (after the
control loop), and ``detach`` before SUMO closes; everything here runs on the twin's thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hostcity.brain.emergency.adapters.live_preemption import LivePreemptor
from hostcity.brain.emergency.adapters.roads import read_roads
from hostcity.brain.emergency.calls import RoadPicture, ToXY
from hostcity.brain.emergency.orders import Order, Recall
from hostcity.brain.emergency.routing import (
    RoadGraph,
    Spot,
    fastest_route,
    live_time_s,
    remaining_s,
    smooth_speed,
)
from hostcity.brain.emergency.service import EmergencyService
from hostcity.core.errors import HostCityError

log = logging.getLogger(__name__)

EV_TYPE = "hostcity_unit"
VEHICLE_PREFIX = "hc_unit_"
PICTURE_EVERY_S = 5.0
"""Simulated seconds between two samples of every edge's speed."""
ON_SCENE_S = 300.0
"""Simulated seconds a unit stays at the scene before it drives back to its station."""
STATION_STOP_S = 1.0
"""A rerouted unit's stop at its station, where the hook takes it off the road. SUMO cannot move
a rerouted vehicle's arrival position, so its route runs one road past the station: ending on
the station's road, SUMO could end the trip short of the station, before the hook sees it."""
STOP_EPS_M = 1.0


@dataclass
class _Drive:
    """A unit on the road (or waiting to enter it)."""

    order: Order
    vehicle_id: str
    started_s: float
    stop_at_m: float | None = None  # a rerouted vehicle keeps SUMO's old arrival position


class EmergencyTwinHook:
    """Feeds ``service`` from the running twin and drives its units.

    Args:
        service: The emergency service the API uses.
        on_scene_s: How long a unit stays at a call before it returns.
        preempt: Whether units on the way to a call get green waves.
    """

    def __init__(
        self, service: EmergencyService, *, on_scene_s: float = ON_SCENE_S, preempt: bool = True
    ) -> None:
        self.service = service
        self.on_scene_s = on_scene_s
        self.preempt = preempt
        self._sumo: Any = None
        self._graph: RoadGraph | None = None
        self._to_xy: ToXY | None = None
        self._speeds: dict[str, float] = {}
        self._travel_s: dict[str, float] = {}
        self._last_sample_s: float | None = None
        self._drives: dict[str, _Drive] = {}  # vehicle id -> drive
        self._on_scene: dict[str, tuple[Order, float]] = {}  # unit -> (order, since s)
        self._preemptor: LivePreemptor | None = None
        self._past_preemptions = 0

    @property
    def preemptions(self) -> int:
        """Signals taken over since this hook was made, over every run."""
        now = self._preemptor.preemptions if self._preemptor else 0
        return self._past_preemptions + now

    def attach(self, sumo: Any, control: Any, net_file: Path) -> None:
        """Read the roads, add the emergency vehicle type, and send every unit home."""
        try:
            self._graph, self._to_xy = read_roads(net_file)
        except HostCityError as exc:  # the twin runs on without emergency units
            log.warning("emergency dispatch is off in this twin run: %s", exc)
            self._sumo = None
            return
        self._sumo = sumo
        self._speeds = {e.edge_id: e.speed_limit_mps for e in self._graph.edges.values()}
        self._travel_s = self._graph.free_flow_s()
        self._last_sample_s = None
        self._drives.clear()
        self._on_scene.clear()
        self._preemptor = LivePreemptor(sumo, control) if self.preempt else None
        if EV_TYPE not in sumo.vehicletype.getIDList():
            sumo.vehicletype.copy("DEFAULT_VEHTYPE", EV_TYPE)
            sumo.vehicletype.setVehicleClass(EV_TYPE, "emergency")
            sumo.vehicletype.setShapeClass(EV_TYPE, "emergency")
            sumo.vehicletype.setSpeedFactor(EV_TYPE, 1.2)
            sumo.vehicletype.setImperfection(EV_TYPE, 0.0)
        reset = self.service.reset("the live twin started a new run")
        if reset:
            log.info("%d open emergency call(s) interrupted by a new twin run", reset)
        self._publish(float(sumo.simulation.getTime()))

    def detach(self) -> None:
        """The run ends: no live picture, units back home."""
        self.service.set_picture(None)
        self.service.reset("the live twin run ended")
        self._sumo = None
        if self._preemptor is not None:
            self._past_preemptions += self._preemptor.preemptions
        self._preemptor = None
        self._drives.clear()
        self._on_scene.clear()

    def held(self) -> list[str]:
        """Signals held for units now."""
        return self._preemptor.held() if self._preemptor else []

    def step(self, now_s: float) -> None:
        """Sample speeds, start queued drives, turn recalled units back, follow units, pre-empt."""
        if self._sumo is None:
            return
        if self._last_sample_s is None or now_s - self._last_sample_s >= PICTURE_EVERY_S:
            self._sample(now_s)
        for order in self.service.take_orders():
            self._start(order, now_s)
        arrived = set(self._sumo.simulation.getArrivedIDList())
        on_road = set(self._sumo.vehicle.getIDList())
        for recall in self.service.take_recalls():
            self._guarded(lambda r, t: self._recall(r, t, arrived, on_road), recall, now_s)
        for vehicle_id, drive in list(self._drives.items()):
            if vehicle_id in arrived:
                self._guarded(self._arrive, drive, now_s)
            elif vehicle_id in on_road and self._reached(drive):
                self._remove(vehicle_id)
                self._guarded(self._arrive, drive, now_s)
            elif vehicle_id in on_road:
                self._follow(drive, now_s)
        for unit_id, (order, since_s) in list(self._on_scene.items()):
            if now_s - since_s >= self.on_scene_s:
                del self._on_scene[unit_id]
                self._guarded(self._return, order, now_s)
        if self._preemptor is not None:
            self._preemptor.step(
                [v for v, d in self._drives.items() if d.order.to_scene and v in on_road]
            )

    def _guarded(self, action: Callable[[Any, float], None], what: Any, now_s: float) -> None:
        """Run a status change; a database that refuses it must not stop the twin."""
        try:
            action(what, now_s)
        except HostCityError as exc:
            log.warning("emergency status change at %.0f s failed: %s", now_s, exc)

    # live picture -------------------------------------------------------------------------------

    def _sample(self, now_s: float) -> None:
        assert self._graph is not None
        dt_s = PICTURE_EVERY_S if self._last_sample_s is None else now_s - self._last_sample_s
        edges = self._sumo.edge
        for edge in self._graph.edges.values():
            sample = float(edges.getLastStepMeanSpeed(edge.edge_id))
            speed = smooth_speed(self._speeds[edge.edge_id], sample, dt_s)
            self._speeds[edge.edge_id] = speed
            self._travel_s[edge.edge_id] = live_time_s(edge, speed)
        self._last_sample_s = now_s
        self._publish(now_s)

    def _publish(self, now_s: float) -> None:
        assert self._graph is not None
        self.service.set_picture(RoadPicture(self._graph, dict(self._travel_s), now_s, self._to_xy))

    # drives -------------------------------------------------------------------------------------

    def _start(self, order: Order, now_s: float) -> None:
        leg = order.call_id if order.to_scene else f"{order.call_id}_back"
        vehicle_id = f"{VEHICLE_PREFIX}{order.unit_id}_{leg}"
        sumo = self._sumo
        try:
            sumo.route.add(f"{vehicle_id}_route", list(order.route))
            sumo.vehicle.add(
                vehicle_id,
                f"{vehicle_id}_route",
                typeID=EV_TYPE,
                depart="now",
                departLane="best",
                departPos=f"{order.origin.pos_m:.2f}",
                arrivalPos=f"{order.destination.pos_m:.2f}",
            )
        except sumo.TraCIException as exc:
            self.service.failed(order, f"SUMO refused the vehicle: {exc}")
            return
        self._drives[vehicle_id] = _Drive(order, vehicle_id, now_s)

    def _follow(self, drive: _Drive, now_s: float) -> None:
        assert self._graph is not None
        vehicle = self._sumo.vehicle
        index = int(vehicle.getRouteIndex(drive.vehicle_id))
        road = str(vehicle.getRoadID(drive.vehicle_id))
        on_route_edge = not road.startswith(":")
        pos_m = float(vehicle.getLanePosition(drive.vehicle_id)) if on_route_edge else 0.0
        # on a junction's internal lane the vehicle is between route[index] and the next edge
        start = index if on_route_edge else index + 1
        route = drive.order.route
        eta_s = remaining_s(
            self._graph,
            self._travel_s,
            route,
            index=start,
            pos_m=pos_m,
            arrival_pos_m=drive.order.destination.pos_m,
        )
        x, y = vehicle.getPosition(drive.vehicle_id)
        self.service.track(
            drive.order.unit_id,
            {
                "call": drive.order.call_id,
                "leg": "to_scene" if drive.order.to_scene else "returning",
                "state": "driving",
                "x": round(float(x), 1),
                "y": round(float(y), 1),
                "edge": road if on_route_edge else route[min(start, len(route) - 1)],
                "route": list(route[max(0, start) :]),
                "eta_s": round(eta_s, 1),
                "speed_mps": round(float(vehicle.getSpeed(drive.vehicle_id)), 1),
                "sim_time_s": now_s,
                "preempted": self._preemptor.held() if self._preemptor else [],
            },
        )

    def _arrive(self, drive: _Drive, now_s: float) -> None:
        del self._drives[drive.vehicle_id]
        order = drive.order
        if not order.to_scene:
            self.service.home(order.unit_id)
            return
        assert order.call_id is not None
        if not self.service.arrived(order.call_id, order.unit_id, now_s):
            self._drive_home(order, order.destination, now_s)  # cancelled just before arrival
            return
        self.service.track(
            order.unit_id,
            {
                "call": order.call_id,
                "leg": "on_scene",
                "state": "on_scene",
                "x": round(order.destination.x, 1),
                "y": round(order.destination.y, 1),
                "edge": order.destination.edge_id,
                "route": [],
                "eta_s": 0.0,
                "speed_mps": 0.0,
                "sim_time_s": now_s,
                "preempted": [],
            },
        )
        self._on_scene[order.unit_id] = (order, now_s)

    def _return(self, order: Order, now_s: float) -> None:
        """Drive back to the station (no pre-emption on the way home)."""
        assert self._graph is not None and order.call_id is not None
        home = order.origin
        back = fastest_route(self._graph, self._travel_s, order.destination, home)
        self.service.leaving(order.call_id, order.unit_id, home=back is None)
        if back is None:
            return
        returning = Order(
            order.call_id, order.unit_id, back.edges, order.destination, home, back.eta_s, False
        )
        self._start(returning, now_s)

    # recalls ------------------------------------------------------------------------------------

    def _recall(self, recall: Recall, now_s: float, arrived: set[str], on_road: set[str]) -> None:
        """Turn a unit back from its cancelled call, or take it off the scene now."""
        on_scene = self._on_scene.get(recall.unit_id)
        if on_scene is not None and on_scene[0].call_id == recall.call_id:
            del self._on_scene[recall.unit_id]
            self._return(on_scene[0], now_s)
            return
        drive = next(
            (
                d
                for d in self._drives.values()
                if d.order.unit_id == recall.unit_id and d.order.call_id == recall.call_id
            ),
            None,
        )
        if drive is None:  # the twin refused the drive, or the unit is already home
            self.service.home(recall.unit_id, call_id=recall.call_id)
            return
        if not drive.order.to_scene:  # already on its way home
            return
        del self._drives[drive.vehicle_id]
        if drive.vehicle_id in arrived:  # it reached the scene this very step
            self._drive_home(drive.order, drive.order.destination, now_s)
        elif drive.vehicle_id in on_road:
            self._turn_back(drive, now_s)
        else:  # still waiting to enter the road: it never left
            self._remove(drive.vehicle_id)
            self.service.home(recall.unit_id, call_id=recall.call_id)

    def _turn_back(self, drive: _Drive, now_s: float) -> None:
        """Reroute a unit on the road to its station on live travel times (no pre-emption)."""
        assert self._graph is not None
        vehicle, order = self._sumo.vehicle, drive.order
        index = int(vehicle.getRouteIndex(drive.vehicle_id))
        road = str(vehicle.getRoadID(drive.vehicle_id))
        x, y = (float(v) for v in vehicle.getPosition(drive.vehicle_id))
        if road.startswith(":"):  # on a junction: committed to the next edge of its route
            prefix: tuple[str, ...] = (order.route[index],)
            here = Spot(order.route[min(index + 1, len(order.route) - 1)], 0.0, x, y)
        else:
            prefix, here = (), Spot(road, float(vehicle.getLanePosition(drive.vehicle_id)), x, y)
        back = fastest_route(self._graph, self._travel_s, here, order.origin)
        try:
            if back is None:
                raise self._sumo.TraCIException(f"no road leads from {here.edge_id} to its station")
            vehicle.setRoute(drive.vehicle_id, [*prefix, *back.edges, *self._beyond(order.origin)])
        except self._sumo.TraCIException as exc:
            log.warning("unit %s cannot turn back (%s): sent to its station", order.unit_id, exc)
            self._remove(drive.vehicle_id)
            self.service.home(order.unit_id, call_id=order.call_id)
            return
        home = Order(
            order.call_id, order.unit_id, (*prefix, *back.edges), here, order.origin,
            back.eta_s, to_scene=False,
        )  # fmt: skip
        self._stop_at_station(drive.vehicle_id, order.origin)
        turned = _Drive(home, drive.vehicle_id, now_s, stop_at_m=order.origin.pos_m)
        self._drives[drive.vehicle_id] = turned
        self._follow(turned, now_s)

    def _stop_at_station(self, vehicle_id: str, station: Spot) -> None:
        """A stop at the station, so SUMO does not end the trip at the call's old arrival spot."""
        sumo = self._sumo
        try:
            lane = next(
                (
                    i
                    for i in range(int(sumo.edge.getLaneNumber(station.edge_id)))
                    if not (allowed := sumo.lane.getAllowed(f"{station.edge_id}_{i}"))
                    or "emergency" in allowed
                ),
                0,
            )
            sumo.vehicle.setStop(vehicle_id, station.edge_id, station.pos_m, lane, STATION_STOP_S)
        except sumo.TraCIException as exc:  # e.g. too close to brake: taken off as it passes
            log.warning("unit vehicle %s gets no stop at its station: %s", vehicle_id, exc)

    def _beyond(self, station: Spot) -> tuple[str, ...]:
        """One road after the station's, so SUMO does not end the trip on the station's road."""
        assert self._graph is not None
        return self._graph.edges[station.edge_id].successors[:1]

    def _reached(self, drive: _Drive) -> bool:
        """Whether a rerouted vehicle is at (or, missing its stop, past) its station."""
        if drive.stop_at_m is None:
            return False
        vehicle, last = self._sumo.vehicle, len(drive.order.route) - 1
        index = int(vehicle.getRouteIndex(drive.vehicle_id))
        if index != last:  # before the station's road, or on the road beyond it
            return index > last
        road = str(vehicle.getRoadID(drive.vehicle_id))
        return road != drive.order.route[last] or (  # on the junction after the station's road
            float(vehicle.getLanePosition(drive.vehicle_id)) >= drive.stop_at_m - STOP_EPS_M
        )

    def _drive_home(self, order: Order, start: Spot, now_s: float) -> None:
        """Start the drive from ``start`` back to the station; home at once when none exists."""
        assert self._graph is not None
        back = fastest_route(self._graph, self._travel_s, start, order.origin)
        if back is None:
            self.service.home(order.unit_id, call_id=order.call_id)
            return
        returning = Order(
            order.call_id, order.unit_id, back.edges, start, order.origin, back.eta_s, False
        )
        self._start(returning, now_s)

    def _remove(self, vehicle_id: str) -> None:
        try:
            self._sumo.vehicle.remove(vehicle_id)
        except self._sumo.TraCIException as exc:  # already gone: nothing to take off the road
            log.info("vehicle %s was not in the simulation: %s", vehicle_id, exc)
