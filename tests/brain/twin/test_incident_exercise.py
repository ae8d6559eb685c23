"""Detector exercises played in a real twin run (libsumo on the test grid)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hostcity.brain.incidents.adapters.exercise_hook import ExerciseTwinHook
from hostcity.brain.incidents.exercise import ExerciseBook
from hostcity.brain.twin.adapters.sumo_twin import SumoTwinRun
from tests.brain.twin.conftest import GridScenario


@pytest.mark.timeout(120)
def test_an_exercise_stalls_a_vehicle_over_its_loop_then_lets_it_go(
    grid: GridScenario, tmp_path: Path
) -> None:
    book = ExerciseBook()
    run = SumoTwinRun(
        grid, workdir=tmp_path, interval_s=60.0, seed=1, hooks=[ExerciseTwinHook(book)]
    )
    run.open()
    try:
        assert book.sim_s is not None  # the hook saw the run start
        for spec in run.detectors:
            book.start(spec.detector_id, spec.lane_id, spec.edge_id, minutes=1.0)
        sumo = run._sumo
        stalled = None
        now = 0.0
        while now < 600 and stalled is None:
            now = run.step()
            stalled = next((e for e in book.all() if e.state == "stalled"), None)
        assert stalled is not None and stalled.vehicle is not None, "no vehicle crossed any loop"
        loop_pos = float(sumo.inductionloop.getPosition(stalled.detector_id))
        for _ in range(30):
            run.step()
        # it stands still on its lane, over the loop
        assert sumo.vehicle.getSpeed(stalled.vehicle) == 0.0
        assert sumo.vehicle.getLaneID(stalled.vehicle) == stalled.lane_id
        assert abs(sumo.vehicle.getLanePosition(stalled.vehicle) - loop_pos) < 10.0
        while next(e for e in book.all() if e.id == stalled.id).state == "stalled":
            now = run.step()
        over = next(e for e in book.all() if e.id == stalled.id)
        assert over.state == "over"
        assert over.released_s is not None and over.stalled_s is not None
        assert over.released_s - over.stalled_s == pytest.approx(60.0, abs=1.0)
        for _ in range(20):
            run.step()
        gone = stalled.vehicle not in sumo.vehicle.getIDList()
        assert gone or sumo.vehicle.getSpeed(stalled.vehicle) > 0.0  # it drives on
    finally:
        run.close()
    # the run's end ends what was still on, and releases what stood
    assert book.sim_s is None
    assert not book.active()
    assert any(e.note == "the twin's run ended" for e in book.all())


@pytest.mark.timeout(120)
def test_an_exercise_no_vehicle_comes_to_gives_up(
    grid: GridScenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hostcity.brain.incidents.adapters import exercise_hook

    monkeypatch.setattr(exercise_hook, "WAIT_S", 5.0)
    book = ExerciseBook()
    run = SumoTwinRun(
        grid, workdir=tmp_path, interval_s=60.0, seed=1, hooks=[ExerciseTwinHook(book)]
    )
    run.open()
    try:
        for spec in run.detectors:
            book.start(spec.detector_id, spec.lane_id, spec.edge_id, minutes=1.0)
        for _ in range(10):
            run.step()
    finally:
        run.close()
    ended = [e for e in book.all() if e.stalled_s is None]
    assert ended, "every loop had a vehicle within 10 s"
    assert all("no vehicle crossed the loop" in e.note for e in ended if e.state == "expired")
    assert any(e.state == "expired" and "no vehicle" in e.note for e in ended)


@pytest.mark.timeout(120)
def test_an_exercise_never_stalls_an_emergency_vehicle(grid: GridScenario, tmp_path: Path) -> None:
    book = ExerciseBook()
    run = SumoTwinRun(
        grid, workdir=tmp_path, interval_s=60.0, seed=1, hooks=[ExerciseTwinHook(book)]
    )
    run.open()
    try:
        sumo = run._sumo
        spec = next(d for d in run.detectors if d.pos_m > 20.0)
        sumo.vehicletype.copy("DEFAULT_VEHTYPE", "ev")
        sumo.vehicletype.setVehicleClass("ev", "emergency")
        sumo.route.add("ev-route", [spec.edge_id])
        sumo.vehicle.add(
            "ev1",
            "ev-route",
            typeID="ev",
            departLane=str(spec.lane_index),
            departPos=f"{spec.pos_m - 6.0:.1f}",
        )
        sumo.vehicle.setMaxSpeed("ev1", 1.0)  # it crawls: over the loop for several steps
        # book the exercise as the emergency vehicle reaches the loop: it is the one over it
        for _ in range(120):
            run.step()
            ids = sumo.vehicle.getIDList()
            if "ev1" in ids and sumo.vehicle.getLanePosition("ev1") >= spec.pos_m - 1.0:
                break
        else:
            pytest.fail("the emergency vehicle never reached the loop")
        exercise = book.start(spec.detector_id, spec.lane_id, spec.edge_id, minutes=1.0)
        passed = False
        for _ in range(40):
            run.step()
            current = next(e for e in book.all() if e.id == exercise.id)
            assert current.vehicle != "ev1"
            ids = sumo.vehicle.getIDList()
            passed |= "ev1" not in ids or sumo.vehicle.getLanePosition("ev1") > spec.pos_m + 8.0
        assert passed, "the emergency vehicle did not drive on over the loop"
    finally:
        run.close()
