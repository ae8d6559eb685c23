"""A call's note keeps what it answers (e.g. an incident) when later notes are added,
on SQLite and on PostgreSQL (when HOSTCITY_TEST_DATABASE_URL is set)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from hostcity.brain.emergency.adapters import store
from hostcity.brain.emergency.adapters.tables import CallRow
from hostcity.core.db import make_session_factory, session_scope


def _call(note: str | None) -> CallRow:
    return CallRow(
        status="dispatched", unit_id="amb-1", edge_id="e1", pos_m=0.0, x_m=0.0, y_m=0.0,
        eta_s=60.0, route=["e1"], candidates={}, note=note,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("first", "expected"),
    [
        pytest.param("incident 12", "incident 12; cancelled by the operator", id="with-note"),
        pytest.param(None, "cancelled by the operator", id="without"),
    ],
)
def test_a_later_note_is_added_to_the_calls_note(
    engine: Engine, first: str | None, expected: str
) -> None:
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        row = _call(first)
        session.add(row)
        session.flush()
        call_id = row.id
    with session_scope(factory) as session:
        changed = store.change_call(
            session, call_id, "dispatched", "cancelled", note="cancelled by the operator"
        )
        assert changed
    with session_scope(factory) as session:
        assert store.call_row(session, call_id).note == expected


def test_a_joined_note_stops_at_500_characters(engine: Engine) -> None:
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        row = _call("x" * 490)
        session.add(row)
        session.flush()
        call_id = row.id
    with session_scope(factory) as session:
        store.change_call(session, call_id, "dispatched", "failed", note="no route any more")
    with session_scope(factory) as session:
        note = store.call_row(session, call_id).note
        assert note is not None and len(note) == 500 and note.startswith("x" * 490 + "; no")
