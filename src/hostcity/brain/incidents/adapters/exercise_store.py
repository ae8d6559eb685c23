"""The exercises' journal in the database (table ``incident_exercises``)."""

from __future__ import annotations

import logging
from dataclasses import fields

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from hostcity.brain.incidents.adapters.tables import ExerciseRow
from hostcity.brain.incidents.exercise import Exercise
from hostcity.core.db import session_scope
from hostcity.core.errors import StorageError

log = logging.getLogger(__name__)
NOTE_CHARS = 500
_COLUMNS = tuple(f.name for f in fields(Exercise))


class ExerciseStore:
    """Saves each exercise as it changes and reads them back when the server starts."""

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self.session_factory = session_factory

    def load(self) -> list[Exercise]:
        """Every kept exercise, oldest first."""
        with session_scope(self.session_factory) as session:
            rows = session.scalars(select(ExerciseRow).order_by(ExerciseRow.id)).all()
            return [Exercise(**{c: getattr(row, c) for c in _COLUMNS}) for row in rows]

    def save(self, exercise: Exercise) -> None:
        """Insert or update the exercise's row.

        A database failure is logged, not raised: it is called from the twin's step, and the
        exercise itself goes on in memory.
        """
        values = {c: getattr(exercise, c) for c in _COLUMNS}
        values["note"] = exercise.note[:NOTE_CHARS]
        try:
            with session_scope(self.session_factory) as session:
                session.merge(ExerciseRow(**values))
        except (SQLAlchemyError, StorageError):
            log.exception("could not keep exercise %s in the database", exercise.id)
