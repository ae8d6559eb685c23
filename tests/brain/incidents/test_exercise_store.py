"""Exercises are kept in the database: after a restart an exercise's incident is still one
(its CAP alert says Exercise, its dismissal does not damp detection). On SQLite and on
PostgreSQL (when HOSTCITY_TEST_DATABASE_URL is set)."""

from __future__ import annotations

from sqlalchemy import Engine, select

from hostcity.brain.incidents.adapters.delivery import WebhookDispatcher
from hostcity.brain.incidents.adapters.exercise_store import NOTE_CHARS, ExerciseStore
from hostcity.brain.incidents.adapters.tables import DampingRow
from hostcity.brain.incidents.exercise import RESTARTED_NOTE
from hostcity.brain.incidents.service import IncidentService
from hostcity.core.db import make_session_factory, session_scope


def _service(engine: Engine) -> IncidentService:
    return IncidentService(make_session_factory(engine), WebhookDispatcher())


def test_an_exercise_survives_a_restart(engine: Engine) -> None:
    first = _service(engine)
    first.exercises.sim_s = 100.0
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        incident = first.report(session, {"edge_id": "e1", "detector_id": "d1"})
    exercise = first.exercises.start("d1", "e1_0", "e1", 5)
    first.exercises.update(exercise, state="stalled", vehicle="v1", stalled_s=110.0)
    first.exercises.sim_s = 135.0
    first.exercises.note_incidents([incident])
    left_on = first.exercises.start("d2", "e2_0", "e2", 5)
    first.exercises.update(left_on, note="x" * (NOTE_CHARS + 100))  # long notes are cut

    restarted = _service(engine)  # a new server on the same database
    restarted.exercises.end_stale()  # as it starts (the StaleExercises worker)
    shown = {e.id: e for e in restarted.exercises.all()}
    assert shown[exercise.id].incident_id == incident.id
    assert shown[exercise.id].detected_after_s == 25
    assert (shown[left_on.id].state, shown[left_on.id].note) == ("expired", RESTARTED_NOTE)
    assert restarted.exercises.exercise_of(incident.id) == exercise.id
    with session_scope(factory) as session:
        assert "<status>Exercise</status>" in restarted.cap_xml(session, incident.id)
        restarted.decide(session, incident.id, "dismiss")
        assert session.scalars(select(DampingRow)).all() == []  # an exercise tunes nothing
    assert len(ExerciseStore(factory).load()) == 2
