"""The emergency service: units, ETA previews, dispatches on live travel times, recalls."""

from __future__ import annotations

import logging
import threading
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from hostcity.brain.emergency.adapters import store
from hostcity.brain.emergency.adapters.tables import CallRow
from hostcity.brain.emergency.calls import (
    DISPATCHED_CALL,
    CallLocation,
    RoadPicture,
    cancel_note,
    cancel_outcome,
    etas_of,
    locate,
    station_spot,
    unit_routes,
)
from hostcity.brain.emergency.errors import (
    CallNotOpenError,
    EmergencyInputError,
    TwinNotReadyError,
)
from hostcity.brain.emergency.orders import Order, Recall, planned_tracking
from hostcity.brain.emergency.units import (
    AVAILABLE,
    ON_SCENE,
    RETURNING,
    Unit,
    check_kind,
    check_unit_id,
    choose_unit,
    unit_name,
)
from hostcity.core.db import session_scope
from hostcity.core.timeutil import utcnow

log = logging.getLogger(__name__)

MAX_CALLS = 500


class EmergencyService:
    """Units and calls; the API and CLI call it, the twin's hook feeds it live data.

    The twin thread publishes the road picture and takes orders; requests only read the picture
    and queue orders, so every SUMO call stays on the twin's thread.
    """

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self.session_factory = session_factory
        self._lock = threading.Lock()
        self._picture: RoadPicture | None = None
        self._orders: list[Order] = []
        self._recalls: list[Recall] = []
        self._tracking: dict[str, dict[str, Any]] = {}

    # live picture (written by the twin's thread) ----------------------------------------------

    def set_picture(self, picture: RoadPicture | None) -> None:
        """Share the latest roads and travel times; None when the twin stops."""
        with self._lock:
            self._picture = picture

    def ready(self) -> bool:
        """Whether the live twin has shared a road picture."""
        with self._lock:
            return self._picture is not None

    def picture(self) -> RoadPicture:
        """The latest road picture.

        Raises:
            TwinNotReadyError: when the live twin is not running.
        """
        with self._lock:
            picture = self._picture
        if picture is None:
            raise TwinNotReadyError(
                "the live twin is not running, so there are no live travel times to dispatch on",
                hint="start the server with the twin enabled (HOSTCITY_BRAIN__TWIN_ENABLED=true) "
                "and wait for it to run",
            )
        return picture

    def take_orders(self) -> list[Order]:
        """Orders queued since the last call (the twin's thread starts them)."""
        with self._lock:
            orders, self._orders = self._orders, []
        return orders

    def take_recalls(self) -> list[Recall]:
        """Recalls queued since the last call (the twin's thread turns the units back)."""
        with self._lock:
            recalls, self._recalls = self._recalls, []
        return recalls

    def track(self, unit_id: str, live: dict[str, Any] | None) -> None:
        """Record where a unit on the road is now; None when it is off the road."""
        with self._lock:
            if live is None:
                self._tracking.pop(unit_id, None)
            else:
                self._tracking[unit_id] = live

    def tracking(self, unit_id: str) -> dict[str, Any] | None:
        """The live position of ``unit_id``, if it is on the road."""
        with self._lock:
            live = self._tracking.get(unit_id)
        return dict(live) if live else None

    # units ---------------------------------------------------------------------------------------

    def add_unit(self, unit: Unit) -> bool:
        """Store a unit (available at its station); True when new, False when updated.

        Raises:
            EmergencyInputError: for a bad id or kind.
        """
        check_unit_id(unit.unit_id)
        check_kind(unit.kind)
        with session_scope(self.session_factory) as session:
            return store.upsert_unit(session, unit)

    def save_unit(
        self, picture: RoadPicture, unit_id: str, kind: str, name: str | None, station: CallLocation
    ) -> tuple[dict[str, Any], bool]:
        """Create or update a unit whose station snaps to ``picture``'s roads as calls do.

        Returns:
            The unit as ``units`` lists it, and True when it is new.

        Raises:
            EmergencyInputError: for a bad id, kind or name, or a station given badly.
            OutsideNetworkError: for a station off the roads emergency vehicles may use.
        """
        check_unit_id(unit_id)
        check_kind(kind)
        label = unit_name(name, unit_id)
        spot = locate(picture, station)
        unit = Unit(unit_id, kind, label, spot.edge_id, spot.pos_m, (spot.x, spot.y))
        created = self.add_unit(unit)
        with session_scope(self.session_factory) as session:
            saved = store.to_unit(store.unit_row(session, unit_id))
        log.info("unit %s %s at %s", unit_id, "added" if created else "updated", spot.edge_id)
        return self._unit_dict(saved), created

    def remove_unit(self, unit_id: str) -> None:
        """Remove an available unit.

        Raises:
            NotFoundError: for an unknown unit.
            UnitBusyError: while it is on a call or returning.
        """
        with session_scope(self.session_factory) as session:
            store.delete_unit(session, unit_id)
        self.track(unit_id, None)
        log.info("unit %s removed", unit_id)

    def units(self) -> list[dict[str, Any]]:
        """Every unit with its station, status, and live position and ETA when on the road."""
        with session_scope(self.session_factory) as session:
            units = store.all_units(session)
        return [self._unit_dict(u) for u in units]

    def _unit_dict(self, unit: Unit) -> dict[str, Any]:
        return {
            "id": unit.unit_id,
            "kind": unit.kind,
            "name": unit.name,
            "status": unit.status,
            "call": unit.call_id,
            "station": {
                "edge": unit.station_edge,
                "pos_m": round(unit.station_pos_m, 1),
                "x": round(unit.station_xy[0], 1),
                "y": round(unit.station_xy[1], 1),
            },
            "live": self.tracking(unit.unit_id),
        }

    # calls ---------------------------------------------------------------------------------------

    def eta_preview(self, where: CallLocation) -> dict[str, Any]:
        """Where the call snaps to and each unit's live ETA, fastest first (busy units last).

        Raises:
            TwinNotReadyError: when the twin is not running.
            OutsideNetworkError: for a location off the roads.
        """
        picture = self.picture()
        spot = locate(picture, where)
        with session_scope(self.session_factory) as session:
            units = store.all_units(session)
        routes = unit_routes(picture, units, spot)
        rows = []
        for unit in units:
            route = routes.get(unit.unit_id)
            rows.append(
                {
                    "id": unit.unit_id,
                    "kind": unit.kind,
                    "name": unit.name,
                    "status": unit.status,
                    "eta_s": None if route is None else round(route.eta_s, 1),
                    "route_edges": 0 if route is None else len(route.edges),
                    "reachable": route is not None,
                }
            )
        rows.sort(key=lambda r: (r["eta_s"] is None, r["eta_s"] or 0.0, r["id"]))
        return {"location": spot.to_dict(), "sim_time_s": picture.sim_time_s, "units": rows}

    def dispatch(
        self,
        where: CallLocation,
        *,
        unit_id: str | None = None,
        user_id: int | None = None,
        note: str | None = None,
    ) -> dict[str, Any]:
        """Open a call and send ``unit_id``, or the available unit with the lowest live ETA.

        ``note`` is kept on the call (what it is about, e.g. the incident it answers).

        The call and the unit's new status are stored in one transaction before the twin is told,
        so a refused dispatch leaves nothing behind.

        Raises:
            TwinNotReadyError: when the twin is not running.
            OutsideNetworkError: for a location off the roads.
            NotFoundError: for an unknown unit.
            UnitBusyError: when the chosen unit is not available.
            NoUnitAvailableError: when no available unit can reach the call.
        """
        picture = self.picture()
        spot = locate(picture, where)
        with session_scope(self.session_factory) as session:
            units = store.all_units(session)
            routes = unit_routes(picture, units, spot)
            etas = etas_of(routes)
            unit = choose_unit(units, etas, unit_id)
            route = routes[unit.unit_id]
            assert route is not None, "choose_unit only returns a unit with a route"
            origin = station_spot(picture, unit)
            assert origin is not None, "a unit with a route has a station on the network"
            row = CallRow(
                status="dispatched",
                unit_id=unit.unit_id,
                edge_id=spot.edge_id,
                pos_m=spot.pos_m,
                x_m=spot.x,
                y_m=spot.y,
                eta_s=route.eta_s,
                route=list(route.edges),
                candidates={k: None if v is None else round(v, 1) for k, v in etas.items()},
                dispatched_sim_s=picture.sim_time_s,
                created_by=user_id,
                note=note.strip()[:500] if note and note.strip() else None,
            )
            session.add(row)
            session.flush()
            store.claim_unit(session, unit.unit_id, row.id)
            call_id = row.id
            data = store.call_dict(row)
        order = Order(call_id, unit.unit_id, route.edges, origin, spot, route.eta_s)
        with self._lock:
            self._orders.append(order)
        self.track(unit.unit_id, planned_tracking(order, picture.sim_time_s))
        log.info(
            "call %d: unit %s dispatched, ETA %.0f s", order.call_id, unit.unit_id, route.eta_s
        )
        return data

    def call(self, call_id: int) -> dict[str, Any]:
        """One call, with its unit's live position while it drives there.

        Raises:
            NotFoundError: for an unknown call.
        """
        with session_scope(self.session_factory) as session:
            data = store.call_dict(store.call_row(session, call_id))
        live = self.tracking(data["unit"])
        data["live"] = live if live and live.get("call") == call_id else None
        return data

    def calls(self, *, limit: int = 50) -> list[dict[str, Any]]:
        """The newest calls first.

        Raises:
            EmergencyInputError: for a limit outside 1 to 500.
        """
        if not 1 <= limit <= MAX_CALLS:
            raise EmergencyInputError(f"limit must be 1 to {MAX_CALLS}, got {limit}")
        with session_scope(self.session_factory) as session:
            return [store.call_dict(r) for r in store.recent_calls(session, limit)]

    def cancel(
        self, call_id: int, *, reason: str | None = None, user_id: int | None = None
    ) -> dict[str, Any]:
        """Cancel a call on the way (its unit turns back) or clear a scene early (it returns).

        The call's and the unit's new status are one transaction. A unit whose order the twin has
        not taken yet is available at once; otherwise the twin's thread turns it back (see
        ``take_recalls``). Without a twin in this process no vehicle can be out: the unit is
        available at once.

        Raises:
            NotFoundError: for an unknown call.
            CallNotOpenError: for a call closed, failed, cancelled or interrupted.
            EmergencyInputError: for a reason that is too long.
        """
        with self._lock:
            queued = next((o for o in self._orders if o.call_id == call_id and o.to_scene), None)
            if queued is not None:
                self._orders.remove(queued)
            live = self._picture is not None
        try:
            with session_scope(self.session_factory) as session:
                row = store.call_row(session, call_id)
                was, unit_id = row.status, row.unit_id
                note = cancel_note(was, reason)
                new_call, new_unit = cancel_outcome(call_id, was, on_road=live and queued is None)
                if not store.change_call(session, call_id, was, new_call, note=note):
                    raise CallNotOpenError(
                        f"call {call_id} changed a moment ago", hint="look at the call and retry"
                    )
                store.move_unit(session, unit_id, new_unit)
                session.refresh(row)
                data = store.call_dict(row)
        except Exception:
            if queued is not None:  # nothing half-done: the twin still gets the order
                with self._lock:
                    self._orders.insert(0, queued)
            raise
        if new_unit == RETURNING:
            with self._lock:
                self._recalls.append(Recall(call_id, unit_id))
        else:
            self.track(unit_id, None)
        log.info("call %d %s by user %s: unit %s %s", call_id, new_call, user_id, unit_id, new_unit)
        return data

    # what the twin reports -----------------------------------------------------------------------

    def arrived(self, call_id: int, unit_id: str, sim_time_s: float) -> bool:
        """The unit reached the call: it is on scene. False when the call was cancelled first."""
        with session_scope(self.session_factory) as session:
            if not store.change_call(
                session, call_id, DISPATCHED_CALL, ON_SCENE,
                arrived_sim_s=sim_time_s, arrived_at=utcnow(),
            ):  # fmt: skip
                log.info("call %d: unit %s arrived after the call was cancelled", call_id, unit_id)
                return False
            store.move_unit(session, unit_id, ON_SCENE)
        log.info("call %d: unit %s on scene", call_id, unit_id)
        return True

    def leaving(self, call_id: int, unit_id: str, *, home: bool) -> None:
        """The unit leaves the scene: the call closes; it returns (or is home at once)."""
        with session_scope(self.session_factory) as session:
            store.call_row(session, call_id).status = "closed"
            store.move_unit(session, unit_id, RETURNING if not home else AVAILABLE)
        if home:
            self.track(unit_id, None)

    def home(self, unit_id: str, *, call_id: int | None = None) -> None:
        """The unit is back at its station and available.

        Args:
            unit_id: The unit.
            call_id: Only if the unit is still on this call (a late recall must not free a unit
                that was sent on a new call meanwhile).
        """
        with session_scope(self.session_factory) as session:
            if call_id is not None and store.unit_row(session, unit_id).call_id != call_id:
                return
            store.move_unit(session, unit_id, AVAILABLE)
        self.track(unit_id, None)

    def failed(self, order: Order, reason: str) -> None:
        """The twin could not start ``order``: the call fails and the unit is available again."""
        log.warning("unit %s could not drive: %s", order.unit_id, reason)
        with session_scope(self.session_factory) as session:
            if order.call_id is not None and order.to_scene:  # a cancelled call stays cancelled
                store.change_call(session, order.call_id, DISPATCHED_CALL, "failed", note=reason)
            store.move_unit(session, order.unit_id, AVAILABLE)
        self.track(order.unit_id, None)

    def reset(self, reason: str) -> int:
        """Every unit back home (the twin run ended); returns how many calls were still open.

        Calls still driving are interrupted; calls whose unit is on scene are closed.
        """
        with self._lock:
            self._orders.clear()
            self._recalls.clear()
            self._tracking.clear()
        with session_scope(self.session_factory) as session:
            calls = store.open_calls(session)
            for row in calls:
                if row.status == ON_SCENE:  # it got there; only its return was cut short
                    row.status = "closed"
                else:
                    row.status = "interrupted"
                    row.note = f"{row.note}; {reason}"[:500] if row.note else reason[:500]
            for unit_row in store.busy_units(session):
                unit_row.status, unit_row.call_id, unit_row.updated_at = AVAILABLE, None, utcnow()
        return len(calls)
