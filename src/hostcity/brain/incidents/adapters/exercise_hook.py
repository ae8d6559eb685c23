"""Runs detector exercises in the live twin: stalls a vehicle over the exercise's loop, holds
it for the exercise's minutes, then lets it go (a twin ``RunHook``)."""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path
from typing import Any

from hostcity.brain.incidents.adapters.stall import release_vehicle, stall_vehicle_over_loop
from hostcity.brain.incidents.exercise import WAIT_S, Exercise, ExerciseBook

log = logging.getLogger(__name__)


class ExerciseTwinHook:
    """Stages the exercises of ``book`` in each twin run.

    Args:
        book: The server's exercises (the API books them, this hook plays them).
    """

    def __init__(self, book: ExerciseBook) -> None:
        self.book = book
        self._sumo: Any = None

    def attach(self, sumo: Any, control: Any, net_file: Path) -> None:
        """A run started: exercises can be played."""
        del control, net_file
        self._sumo = sumo
        self.book.sim_s = float(sumo.simulation.getTime())

    def step(self, now_s: float) -> None:
        """Stall, hold and release the exercises' vehicles."""
        sumo = self._sumo
        if sumo is None:
            return
        self.book.sim_s = now_s
        for exercise in self.book.active():
            try:
                if exercise.state == "waiting":
                    self._try_stall(exercise, now_s)
                elif exercise.stalled_s is not None and (
                    now_s >= exercise.stalled_s + exercise.duration_s
                    or exercise.vehicle not in sumo.vehicle.getIDList()
                ):
                    release_vehicle(sumo, str(exercise.vehicle))
                    self.book.update(exercise, state="over", released_s=now_s)
            except sumo.TraCIException as exc:  # a vanished lane or vehicle ends the exercise
                log.warning("exercise %s ended early: %s", exercise.id, exc)
                self.book.update(exercise, state="expired", note=f"SUMO refused: {exc}")

    def _try_stall(self, exercise: Exercise, now_s: float) -> None:
        sumo = self._sumo
        waiting_since = exercise.requested_s
        if waiting_since is None or waiting_since > now_s:
            # booked in an earlier run (or before this one's clock): it waits from now
            waiting_since = now_s
            exercise = self.book.update(exercise, requested_s=now_s)
        loop_pos = float(sumo.inductionloop.getPosition(exercise.detector_id))
        # an exercise never holds up a unit on its way to a real call
        vehicle = stall_vehicle_over_loop(sumo, exercise.lane_id, loop_pos, spare_emergency=True)
        if vehicle is not None:
            self.book.update(exercise, state="stalled", vehicle=vehicle, stalled_s=now_s)
        elif now_s - waiting_since > WAIT_S:
            self.book.update(
                exercise,
                state="expired",
                note=f"no vehicle crossed the loop in {WAIT_S / 60:.0f} simulated minutes",
            )

    def detach(self) -> None:
        """The run ends: let stalled vehicles go and end the exercises."""
        sumo, self._sumo = self._sumo, None
        if sumo is not None:
            for exercise in self.book.active():
                if exercise.vehicle is not None:
                    with contextlib.suppress(sumo.TraCIException):  # SUMO may be going down
                        release_vehicle(sumo, exercise.vehicle)
        self.book.twin_stopped()
