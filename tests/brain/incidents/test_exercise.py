"""Detector exercises: booking rules and linking the incident that detection raised."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from hostcity.brain.incidents.exercise import HISTORY, RESTARTED_NOTE, Exercise, ExerciseBook
from hostcity.core.errors import ConflictError, InputError


@dataclass(frozen=True)
class Incident:
    id: int
    detector_id: str | None
    edge_id: str | None


def _book(sim_s: float | None = 100.0) -> ExerciseBook:
    book = ExerciseBook()
    book.sim_s = sim_s
    return book


def test_an_exercise_needs_a_running_twin_and_a_sane_duration() -> None:
    with pytest.raises(ConflictError, match="not running"):
        _book(None).start("d1", "e1_0", "e1", 5)
    for minutes in (0.5, 31):
        with pytest.raises(InputError, match="1 to 30 minutes"):
            _book().start("d1", "e1_0", "e1", minutes)


def test_one_exercise_at_a_time_per_detector() -> None:
    book = _book()
    first = book.start("d1", "e1_0", "e1", 5)
    assert (first.state, first.requested_s, first.duration_s) == ("waiting", 100.0, 300.0)
    with pytest.raises(ConflictError, match=f"exercise {first.id} is already on"):
        book.start("d1", "e1_0", "e1", 5)
    assert book.start("d2", "e2_0", "e2", 5).id == first.id + 1
    book.update(first, state="over")
    assert book.start("d1", "e1_0", "e1", 5).state == "waiting"  # once it is over, again


def test_the_first_incident_at_the_detector_or_its_edge_after_the_stall_is_linked() -> None:
    book = _book()
    waiting = book.start("d1", "e1_0", "e1", 5)
    book.note_incidents([Incident(7, "d1", "e1")])
    assert book.exercise_of(7) is None  # nothing was stalled yet: not this exercise's doing
    book.update(waiting, state="stalled", vehicle="v1", stalled_s=120.0)
    book.sim_s = 167.0
    book.note_incidents([Incident(8, "elsewhere", "e9"), Incident(9, "d1-upstream", "e1")])
    linked = book.all()[0]
    assert (linked.incident_id, linked.detected_after_s) == (9, 47)
    assert book.exercise_of(9) == waiting.id and book.exercise_of(8) is None
    book.note_incidents([Incident(10, "d1", "e1")])
    assert book.all()[0].incident_id == 9  # the first one stays
    assert linked.to_dict()["detected_after_s"] == 47
    other = book.start("d2", "e2_0", "e2", 5)
    book.update(other, state="over", vehicle="v2", stalled_s=130.0)  # stalled, never raised
    assert book.summary() == {"stalled": 2, "detected": 1, "mean_detected_after_s": 47}


def test_the_twin_stopping_ends_active_exercises_and_the_list_shows_the_newest() -> None:
    book = _book()
    for i in range(HISTORY + 5):
        book.update(book.start(f"d{i}", "l", "e", 1), state="over")
    book.start("live", "l", "e", 1)
    assert len(book.all()) == HISTORY + 1  # finished ones beyond HISTORY are not listed
    book.twin_stopped()
    assert book.sim_s is None and not book.active()
    assert book.all()[0].note == "the twin's run ended"


class Journal:
    def __init__(self) -> None:
        self.kept: dict[int, Exercise] = {}

    def save(self, exercise: Exercise) -> None:
        self.kept[exercise.id] = exercise


def test_the_journal_sees_every_change_and_a_new_book_goes_on_from_it() -> None:
    journal = Journal()
    book = ExerciseBook(journal)
    book.sim_s = 100.0
    done = book.start("d1", "e1_0", "e1", 5)
    book.update(done, state="stalled", vehicle="v1", stalled_s=120.0)
    book.sim_s = 150.0
    book.note_incidents([Incident(7, "d1", "e1")])
    book.update(done, state="over", released_s=420.0)
    cut_short = book.start("d2", "e2_0", "e2", 5)
    assert journal.kept[done.id].incident_id == 7
    assert journal.kept[done.id].state == "over"
    assert journal.kept[cut_short.id].state == "waiting"

    # read beside the running server (a command-line tool), nothing changes
    beside = ExerciseBook(journal, list(journal.kept.values()))
    assert beside.all()[0].state == "waiting" and journal.kept[cut_short.id].state == "waiting"

    # the server restarts: the journal's exercises come back, those left on are over
    again = ExerciseBook(journal, list(journal.kept.values()))
    again.end_stale()
    assert again.exercise_of(7) == done.id  # its incident is still an exercise's
    assert again.all()[0].state == "expired" and again.all()[0].note == RESTARTED_NOTE
    assert journal.kept[cut_short.id].note == RESTARTED_NOTE
    assert again.summary() == {"stalled": 1, "detected": 1, "mean_detected_after_s": 30}
    again.sim_s = 10.0
    assert again.start("d1", "e1_0", "e1", 5).id == cut_short.id + 1
