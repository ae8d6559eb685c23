"""Unit life cycle, the choice by ETA, and station placement, without SUMO or a database."""

from __future__ import annotations

import pytest

from hostcity.brain.emergency.errors import (
    EmergencyInputError,
    NoUnitAvailableError,
    UnitBusyError,
)
from hostcity.brain.emergency.units import (
    AVAILABLE,
    DISPATCHED,
    ON_SCENE,
    RETURNING,
    Unit,
    check_kind,
    check_transition,
    check_unit_id,
    choose_unit,
    spread_stations,
)
from hostcity.core.errors import NotFoundError


def _unit(unit_id: str, status: str = AVAILABLE) -> Unit:
    return Unit(unit_id, "ambulance", unit_id, "e", 0.0, (0.0, 0.0), status)


UNITS = [_unit("a"), _unit("b"), _unit("c", DISPATCHED)]


def test_the_lowest_eta_wins() -> None:
    assert choose_unit(UNITS, {"a": 90.0, "b": 45.0}).unit_id == "b"
    assert choose_unit(UNITS, {"a": 90.0, "b": None}).unit_id == "a"


def test_a_busy_unit_is_never_chosen_even_if_closest() -> None:
    assert choose_unit(UNITS, {"a": 90.0, "b": 45.0, "c": 1.0}).unit_id == "b"


def test_the_operator_choice_overrides_the_eta() -> None:
    assert choose_unit(UNITS, {"a": 90.0, "b": 45.0}, "a").unit_id == "a"


@pytest.mark.parametrize(
    ("chosen", "etas", "error"),
    [
        pytest.param("c", {"a": 1.0}, UnitBusyError, id="busy"),
        pytest.param("zz", {"a": 1.0}, NotFoundError, id="unknown"),
        pytest.param("a", {"a": None}, NoUnitAvailableError, id="no-route"),
        pytest.param(None, {"a": None, "b": None}, NoUnitAvailableError, id="none-reachable"),
    ],
)
def test_refused_choices(
    chosen: str | None, etas: dict[str, float | None], error: type[Exception]
) -> None:
    with pytest.raises(error):
        choose_unit(UNITS, etas, chosen)


def test_no_available_unit_says_how_many_are_busy() -> None:
    busy = [_unit("a", ON_SCENE), _unit("b", RETURNING)]
    with pytest.raises(NoUnitAvailableError, match=r"2 of 2 busy"):
        choose_unit(busy, {})


@pytest.mark.parametrize(
    ("current", "new"),
    [
        pytest.param(AVAILABLE, DISPATCHED, id="dispatch"),
        pytest.param(DISPATCHED, ON_SCENE, id="arrive"),
        pytest.param(ON_SCENE, RETURNING, id="leave"),
        pytest.param(RETURNING, AVAILABLE, id="home"),
        pytest.param(DISPATCHED, AVAILABLE, id="failed-start"),
    ],
)
def test_allowed_transitions(current: str, new: str) -> None:
    assert check_transition("u", current, new) == new


@pytest.mark.parametrize(
    ("current", "new", "error"),
    [
        pytest.param(ON_SCENE, DISPATCHED, UnitBusyError, id="busy-on-scene"),
        pytest.param(RETURNING, DISPATCHED, UnitBusyError, id="busy-returning"),
        pytest.param(AVAILABLE, ON_SCENE, EmergencyInputError, id="skip-dispatch"),
        pytest.param(RETURNING, ON_SCENE, EmergencyInputError, id="backwards"),
    ],
)
def test_refused_transitions(current: str, new: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        check_transition("u", current, new)


def test_ids_and_kinds_are_checked() -> None:
    assert check_unit_id("amb-1") == "amb-1"
    assert check_kind("fire") == "fire"
    for bad in ("Amb 1", "", "-x", "a" * 60):
        with pytest.raises(EmergencyInputError):
            check_unit_id(bad)
    with pytest.raises(EmergencyInputError, match="ambulance, fire, police"):
        check_kind("taxi")


def test_stations_spread_from_the_centre_to_the_corners() -> None:
    grid = [(f"e{x}{y}", x * 100.0, y * 100.0) for x in range(5) for y in range(5)]
    chosen = spread_stations(grid, 5)
    assert chosen[0][0] == "e22"
    assert {c[0] for c in chosen[1:]} == {"e00", "e04", "e40", "e44"}
    assert spread_stations(grid, 5) == chosen
    with pytest.raises(EmergencyInputError):
        spread_stations(grid[:2], 3)
