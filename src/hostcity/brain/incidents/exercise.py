"""Detector exercises: an operator stalls a vehicle over a loop of the live twin and sees
whether, and how fast, incident detection raises it.

Pure bookkeeping; ``adapters/exercise_hook.py`` does the stalling in the running twin and
``adapters/exercise_store.py`` keeps every exercise in the database (a journal), so an exercise's
incident is still known as one after a restart.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol

from hostcity.core.errors import ConflictError, InputError
from hostcity.core.timeutil import utcnow

WAIT_S = 600.0
"""Twin seconds an exercise waits for a vehicle to cross its loop before it gives up."""
MAX_MINUTES = 30.0
HISTORY = 20
"""Finished exercises the list shows (the journal keeps them all)."""
RESTARTED_NOTE = "the server stopped during the exercise"


class Located(Protocol):
    """A stored incident, as far as exercises need it."""

    @property
    def id(self) -> int:
        """The incident's id."""

    @property
    def detector_id(self) -> str | None:
        """The detector that saw it."""

    @property
    def edge_id(self) -> str | None:
        """The road edge it is on."""


@dataclass(frozen=True)
class Exercise:
    """One exercise and where it stands.

    ``state`` is 'waiting' (for a vehicle over the loop), 'stalled' (a vehicle stands there),
    'over' (released), or 'expired' (no vehicle came, or the twin restarted). Times ending in
    ``_s`` are the twin's simulated seconds.
    """

    id: int
    detector_id: str
    lane_id: str
    edge_id: str
    duration_s: float
    requested_at: datetime
    state: str = "waiting"
    requested_s: float | None = None
    vehicle: str | None = None
    stalled_s: float | None = None
    released_s: float | None = None
    incident_id: int | None = None
    detected_after_s: float | None = None
    note: str = ""

    @property
    def active(self) -> bool:
        """Waiting for a vehicle or holding one."""
        return self.state in ("waiting", "stalled")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {
            "id": self.id,
            "detector": self.detector_id,
            "lane": self.lane_id,
            "edge": self.edge_id,
            "minutes": round(self.duration_s / 60.0, 1),
            "requested_at": self.requested_at.isoformat(),
            "state": self.state,
            "vehicle": self.vehicle,
            "incident_id": self.incident_id,
            "detected_after_s": self.detected_after_s,
            "note": self.note,
        }


class ExerciseJournal(Protocol):
    """Where exercises are kept beyond the server's memory."""

    def save(self, exercise: Exercise) -> None:
        """Store the exercise as it now stands (a new one, or a change)."""


class ExerciseBook:
    """The exercises of one server, shared by the API, the twin's hook and detection.

    Args:
        journal: Told of every new exercise and every change; None keeps them in memory only.
        saved: Exercises kept in the journal, as they were last saved. A command-line tool
            reads them so, beside a running server; a server that starts ends those still
            active (``end_stale``).
    """

    def __init__(
        self, journal: ExerciseJournal | None = None, saved: Iterable[Exercise] = ()
    ) -> None:
        self._lock = threading.Lock()
        self._journal = journal
        self._items: dict[int, Exercise] = {kept.id: kept for kept in saved}
        self._next_id = max(self._items, default=0) + 1
        self.sim_s: float | None = None
        """The running twin's simulated time, as its hook last saw it (None: no twin run)."""
        self.learning_left_s: float | None = None
        """Simulated seconds live detection still learns normal traffic before it can raise
        anything (0: detecting; None: not started, no reading has come yet)."""

    def end_stale(self) -> None:
        """A server starts: the exercises still active in the journal were left on by the run
        before, and their stalled vehicle went with it, so they are over."""
        self._end_active(RESTARTED_NOTE)

    def start(self, detector_id: str, lane_id: str, edge_id: str, minutes: float) -> Exercise:
        """Book an exercise at a detector's loop for ``minutes`` of simulated time.

        Raises:
            InputError: for a duration outside 1-30 minutes.
            ConflictError: when the twin is not running, or the detector has an exercise on.
        """
        if not 1.0 <= minutes <= MAX_MINUTES:
            raise InputError(
                f"an exercise lasts 1 to {MAX_MINUTES:.0f} minutes, not {minutes:g}",
                hint="pass minutes between 1 and 30",
            )
        with self._lock:
            if self.sim_s is None:
                raise ConflictError(
                    "the live twin is not running, so there is no traffic to stall",
                    hint="start the twin (hostcity demo, or brain.twin_enabled) and try again",
                )
            busy = [e for e in self._items.values() if e.active and e.detector_id == detector_id]
            if busy:
                raise ConflictError(
                    f"exercise {busy[0].id} is already on at detector {detector_id}",
                    hint="wait until it is over, or pick another detector",
                )
            exercise = Exercise(
                id=self._next_id,
                detector_id=detector_id,
                lane_id=lane_id,
                edge_id=edge_id,
                duration_s=minutes * 60.0,
                requested_at=utcnow(),
                requested_s=self.sim_s,
            )
            self._next_id += 1
            self._items[exercise.id] = exercise
            self._save(exercise)
            return exercise

    def summary(self) -> dict[str, Any]:
        """How detection did on the exercises whose vehicle was stalled: how many it raised,
        and how fast (simulated seconds after the stall)."""
        with self._lock:
            staged = [e for e in self._items.values() if e.stalled_s is not None]
        times = [e.detected_after_s for e in staged if e.detected_after_s is not None]
        detected = [e for e in staged if e.incident_id is not None]
        return {
            "stalled": len(staged),
            "detected": len(detected),
            "mean_detected_after_s": round(sum(times) / len(times)) if times else None,
        }

    def all(self) -> list[Exercise]:
        """The active exercises and the newest ``HISTORY`` finished ones, newest first."""
        with self._lock:
            newest = sorted(self._items.values(), key=lambda e: -e.id)
        shown = {e.id for e in [e for e in newest if not e.active][:HISTORY]}
        return [e for e in newest if e.active or e.id in shown]

    def active(self) -> list[Exercise]:
        """The exercises waiting for a vehicle or holding one."""
        with self._lock:
            return [e for e in self._items.values() if e.active]

    def update(self, exercise: Exercise, **changes: Any) -> Exercise:
        """Record a change the twin's hook made."""
        with self._lock:
            current = self._items.get(exercise.id, exercise)
            changed = replace(current, **changes)
            self._items[exercise.id] = changed
            self._save(changed)
            return changed

    def note_incidents(self, incidents: Iterable[Located]) -> None:
        """Link each stalled exercise to the first incident raised at its detector or edge."""
        with self._lock:
            for incident in incidents:
                for exercise in self._items.values():
                    if exercise.incident_id is not None or exercise.stalled_s is None:
                        continue
                    if exercise.state not in ("stalled", "over"):
                        continue
                    here = incident.detector_id == exercise.detector_id or (
                        incident.edge_id is not None and incident.edge_id == exercise.edge_id
                    )
                    if here:
                        after = None if self.sim_s is None else self.sim_s - exercise.stalled_s
                        linked = replace(
                            exercise,
                            incident_id=incident.id,
                            detected_after_s=None if after is None else round(max(after, 0.0)),
                        )
                        self._items[exercise.id] = linked
                        self._save(linked)
                        break

    def exercise_of(self, incident_id: int) -> int | None:
        """The exercise that staged this incident, if one did (its dismissal must not tune
        detection, and its CAP alert says 'Exercise')."""
        with self._lock:
            return next((e.id for e in self._items.values() if e.incident_id == incident_id), None)

    def twin_stopped(self) -> None:
        """The twin's run ended: active exercises end with it."""
        with self._lock:
            self.sim_s = None
        self._end_active("the twin's run ended")

    def _end_active(self, note: str) -> None:
        with self._lock:
            for key, exercise in list(self._items.items()):
                if exercise.active:
                    ended = replace(exercise, state="expired", note=note)
                    self._items[key] = ended
                    self._save(ended)

    def _save(self, exercise: Exercise) -> None:
        if self._journal is not None:
            self._journal.save(exercise)
