"""The background twin: a simulation paced to wall time that feeds ingestion and restarts."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Protocol

from hostcity.brain.twin.clock import TwinClock, clock_note, start_clock
from hostcity.brain.twin.detectors import merge_batches
from hostcity.brain.twin.ngsi import reading_to_entity
from hostcity.brain.twin.service import TwinService
from hostcity.brain.twin.types import (
    CONTROLLER_NAMES,
    DetectorReading,
    DetectorSpec,
    LiveState,
    NetworkGeometry,
    TwinStatus,
)
from hostcity.core.errors import DependencyError, HostCityError, InputError
from hostcity.core.timeutil import utcnow

log = logging.getLogger(__name__)


class TwinRun(Protocol):
    """One simulation run (``adapters.sumo_twin.SumoTwinRun`` in production).

    A run may also offer ``net_file``, its SUMO network, which the service passes on.
    """

    network: NetworkGeometry | None
    detectors: list[DetectorSpec]
    interval_s: float
    control_problem: str | None

    @property
    def begin_s(self) -> float: ...
    @property
    def time_compression(self) -> float: ...
    def open(self) -> None: ...
    def step(self) -> float: ...
    def finished(self) -> bool: ...
    def read_detectors(self, begin_s: float, end_s: float) -> list[DetectorReading]: ...
    def snapshot(self, controllers: dict[str, str]) -> LiveState: ...
    def set_controller(self, tls_id: str, name: str) -> None: ...
    def close(self) -> None: ...


RunFactory = Callable[[], TwinRun]


class TwinWorker:
    """Runs the twin in a thread at ``speed`` simulated seconds per wall second.

    Args:
        service: Where readings, live states and status go.
        make_run: Builds a fresh, unopened run; called again after each failure or scenario end.
        scenario: Name shown in the status.
        speed: Simulated seconds per wall second.
        default_controller: Controller every junction starts with.
        snapshot_every_s: Wall seconds between live states pushed to the UI.
        backoff_s: First wait before a restart; doubles on each failure in a row.
        max_backoff_s: Longest wait before a restart.
        stop_after_sim_s: End after one run of this many simulated seconds (headless runs);
            None runs until ``stop()``, starting the scenario again at its end.
        store_every_s: Simulated seconds one stored reading covers; the run's reads in between
            are only pushed live (``TwinService.publish_loop_reads``) and then merged. None
            stores every read.
    """

    name = "brain.twin"

    def __init__(
        self,
        service: TwinService,
        make_run: RunFactory,
        *,
        scenario: str,
        speed: float,
        default_controller: str = "fixed",
        snapshot_every_s: float = 0.5,
        backoff_s: float = 2.0,
        max_backoff_s: float = 30.0,
        stop_after_sim_s: float | None = None,
        store_every_s: float | None = None,
    ) -> None:
        if speed <= 0:
            raise InputError(f"twin speed must be > 0, got {speed}")
        self.service = service
        self.make_run = make_run
        self.speed = speed
        self.default_controller = default_controller
        self.snapshot_every_s = snapshot_every_s
        self.backoff_s = backoff_s
        self.max_backoff_s = max_backoff_s
        self.stop_after_sim_s = stop_after_sim_s
        self.store_every_s = store_every_s
        self._unstored: list[list[DetectorReading]] = []
        self._status = TwinStatus(state="stopped", scenario=scenario, speed=speed)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._controllers: dict[str, str] = {}
        self._pending: dict[str, str] = {}
        self._control_available = True
        self._clock_floor: datetime | None = None  # end of the latest stored reading
        self._live_floor: datetime | None = None  # end of the latest live read

    # BackgroundWorker ------------------------------------------------------------------------

    def start(self) -> None:
        """Start the twin thread; returns at once."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self.service.switch = self
        self._thread = threading.Thread(target=self._loop, name="hostcity-twin", daemon=True)
        self._thread.start()

    def join(self, timeout_s: float | None = None) -> bool:
        """Wait for the thread to end; True when it has."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout_s)
            return not thread.is_alive()
        return True

    def stop(self, timeout_s: float = 15.0) -> None:
        """Ask the thread to stop and wait for it to close the simulation."""
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout_s)
            if thread.is_alive():
                log.warning("the twin thread did not stop within %.0f s", timeout_s)
        if self.status.state != "finished":
            self._set_status(state="stopped")

    # controllers ------------------------------------------------------------------------------

    def controllers(self) -> dict[str, str]:
        """Controller in use per traffic light."""
        with self._lock:
            return dict(self._controllers)

    def available_controllers(self) -> list[str]:
        """Controller names the twin can run now."""
        return list(CONTROLLER_NAMES) if self._control_available else ["fixed"]

    def set_controller(self, tls_id: str, name: str) -> None:
        """Queue a switch; the twin thread applies it before its next step.

        Raises:
            DependencyError: when ``name`` needs signal control that is not installed.
        """
        if name not in self.available_controllers():
            raise DependencyError(
                f"controller {name!r} is not available in this twin",
                hint=f"use one of: {', '.join(self.available_controllers())}",
            )
        with self._lock:
            self._controllers[tls_id] = name
            self._pending[tls_id] = name

    # status -----------------------------------------------------------------------------------

    @property
    def status(self) -> TwinStatus:
        """A copy of the current status."""
        with self._lock:
            return replace(self._status)

    def _set_status(self, **changes: object) -> None:
        with self._lock:
            self._status = replace(self._status, **changes)  # type: ignore[arg-type]
            status = replace(self._status)
        self.service.publish_status(status)

    # the thread ------------------------------------------------------------------------------

    def _loop(self) -> None:
        failures = 0
        while not self._stop.is_set():
            self._set_status(state="starting", since=utcnow())
            try:
                self._run_once()
                failures = 0
                if self.stop_after_sim_s is not None:
                    self._set_status(state="finished")
                    return
            except Exception as exc:  # the server must survive anything the simulation does
                failures += 1
                reason = f"{type(exc).__name__}: {exc}".strip()
                delay = min(self.max_backoff_s, self.backoff_s * 2 ** (failures - 1))
                log.warning("the twin failed (%s); restarting in %.1f s", reason, delay)
                self._set_status(
                    state=f"restarting: {reason}",
                    last_error=reason,
                    restarts=self.status.restarts + 1,
                    since=utcnow(),
                )
                self._stop.wait(delay)

    def _run_once(self) -> None:
        try:
            pruned = self.service.prune(source="twin")
        except HostCityError as exc:
            log.warning("could not prune old twin readings: %s", exc)
        else:
            if pruned:
                log.info("pruned %d twin readings older than a day", pruned)
        run = self.make_run()
        try:
            run.open()
            self._prepare(run)
            self._simulate(run)
        finally:
            run.close()
        self._set_status(runs=self.status.runs + 1)

    def _prepare(self, run: TwinRun) -> None:
        self._control_available = True
        network = run.network
        assert network is not None, "a run has a network once opened"
        # SumoTwinRun knows its network file; runs that have none (test doubles) leave it out
        net_file = getattr(run, "net_file", None)
        self.service.set_network(
            network, run.detectors, net_file=net_file if isinstance(net_file, Path) else None
        )
        with self._lock:
            for tls in network.tls_ids:
                self._controllers.setdefault(tls, self.default_controller)
            wanted = dict(self._controllers)
            self._pending.clear()
        for tls, name in wanted.items():
            if tls not in network.tls_ids:
                continue
            try:
                run.set_controller(tls, name)
            except HostCityError as exc:
                if isinstance(exc, DependencyError):
                    self._control_available = False
                else:
                    log.warning("junction %s keeps its fixed program: %s", tls, exc)
                with self._lock:
                    self._controllers[tls] = "fixed"
        problem = run.control_problem or "signal control is unavailable"
        note = "" if self._control_available else f" (fixed programs: {problem})"
        self._set_status(state="running" + note, detectors=len(run.detectors), since=utcnow())

    def _simulate(self, run: TwinRun) -> None:
        live, stored = self._clocks(run)
        wall_start = time.monotonic()
        sim_start = sim_now = run.begin_s
        self._set_status(
            begin_s=sim_start,
            sim_time_s=sim_start,
            achieved_speed=None,
            time_compression=stored.compression,
            clock_epoch=stored.epoch,
        )
        next_read = sim_start + run.interval_s
        self._unstored = []  # reads of an earlier run never merge into this run's readings
        next_snapshot = wall_start
        while not self._stop.is_set() and not run.finished():
            # read each step: a headless caller may extend the run (or change speed) while it runs
            limit_s = self.stop_after_sim_s
            if limit_s is not None and sim_now - sim_start >= limit_s:
                break
            self._apply_pending(run)
            sim_now = run.step()
            if sim_now >= next_read - 1e-6:
                self._ingest(run, (live, stored), next_read - run.interval_s, next_read)
                self._live_floor, self._clock_floor = live.at(next_read), stored.at(next_read)
                next_read += run.interval_s
            wall_now = time.monotonic()
            if wall_now >= next_snapshot:
                self._publish_state(run, sim_now, sim_now - sim_start, wall_now - wall_start)
                next_snapshot = wall_now + self.snapshot_every_s
            ahead_s = wall_start + (sim_now - sim_start) / self.speed - time.monotonic()
            if ahead_s > 0:
                self._stop.wait(ahead_s)
        if sim_now > sim_start:
            elapsed = time.monotonic() - wall_start
            self._publish_state(run, sim_now, sim_now - sim_start, elapsed)

    def _apply_pending(self, run: TwinRun) -> None:
        with self._lock:
            if not self._pending:
                return
            pending, self._pending = self._pending, {}
        for tls, name in pending.items():
            run.set_controller(tls, name)

    def _publish_state(self, run: TwinRun, sim_now: float, sim_s: float, wall_s: float) -> None:
        state = run.snapshot(self.controllers())
        self.service.publish_state(state)
        achieved = round(sim_s / wall_s, 1) if wall_s > 0 else None
        with self._lock:
            self._status = replace(
                self._status,
                sim_time_s=sim_now,
                achieved_speed=achieved,
                vehicles=state.kpis.vehicles,
            )

    def _clocks(self, run: TwinRun) -> tuple[TwinClock, TwinClock]:
        """The clocks of a new run: of its live loop reads, and of its stored readings.

        A new run continues after the twin's latest stored reading (this worker's, or an
        earlier server's), so stored windows never overlap. A time-compressed run stores its
        readings on the clock of the day it stands for, as recorded history is; its live reads
        keep the twin's own seconds, which incident detection reads as traffic seconds.
        """
        now, compression = utcnow(), run.time_compression
        try:
            kept = self.service.latest_end(source="twin")
        except HostCityError as exc:  # an unreadable store must not stop the twin
            log.warning("the twin could not read its latest stored reading: %s", exc)
            kept = None
        floors = [f for f in (self._clock_floor, kept) if f is not None]
        stored = start_clock(run.begin_s, compression, now=now, floor=max(floors, default=None))
        if compression == 1.0:
            return stored, stored
        return start_clock(run.begin_s, 1.0, now=now, floor=self._live_floor), stored

    def _ingest(
        self, run: TwinRun, clocks: tuple[TwinClock, TwinClock], begin_s: float, end_s: float
    ) -> None:
        """Push this read of the loops live; store a reading once ``store_every_s`` is covered."""
        specs = {spec.detector_id: spec for spec in run.detectors}
        reads = run.read_detectors(begin_s, end_s)
        if not reads:
            return
        live, stored = clocks
        read_entities = [
            reading_to_entity(r, specs[r.detector_id], epoch=live.epoch) for r in reads
        ]
        try:
            note = None if stored == live else clock_note(live, stored)
            self.service.publish_loop_reads(read_entities, clock=note)
        except HostCityError as exc:
            log.warning("the twin could not publish %d loop reads: %s", len(reads), exc)
        self._unstored.append(reads)
        covered_s = end_s - self._unstored[0][0].begin_s
        if self.store_every_s is not None and covered_s < self.store_every_s - 1e-6:
            return
        batches, self._unstored = self._unstored, []
        if len(batches) == 1 and stored == live:  # a stored reading is this read
            entities = read_entities
        else:
            merged = batches[0] if len(batches) == 1 else merge_batches(batches)
            entities = [
                reading_to_entity(stored.restate(r), specs[r.detector_id], epoch=stored.epoch)
                for r in merged
            ]
        try:
            self.service.ingest(entities, source="twin")
        except HostCityError as exc:  # a full disk must not stop the simulation
            log.warning("the twin could not store %d readings: %s", len(entities), exc)
