"""Pure tests of demand generation and evaluation metrics."""

from __future__ import annotations

import pytest

from hostcity.brain.control.demand import DemandProfile, Session, make_day_trips
from hostcity.brain.control.metrics import TripRecord, seed_result, summarise
from hostcity.core.errors import InputError

EDGES = [f"e{i}" for i in range(20)]
WEIGHTS = [1.0] * len(EDGES)
PROFILE = DemandProfile(peak_veh_per_h=2000.0, sessions=(Session(14.0, 16.0, 4000),))


def _count(trips: list, profile: DemandProfile, start_h: float, end_h: float) -> int:
    return sum(1 for t in trips if profile.sim_s(start_h) <= t.depart_s < profile.sim_s(end_h))


def test_day_demand_is_seeded_and_sorted() -> None:
    first = make_day_trips(EDGES, WEIGHTS, ["venue"], PROFILE, seed=7)
    again = make_day_trips(EDGES, WEIGHTS, ["venue"], PROFILE, seed=7)
    other = make_day_trips(EDGES, WEIGHTS, ["venue"], PROFILE, seed=8)
    assert first == again
    assert first != other
    assert [t.depart_s for t in first] == sorted(t.depart_s for t in first)
    assert all(t.from_edge != t.to_edge for t in first)


def test_day_demand_has_commuter_peaks_and_a_quiet_night() -> None:
    trips = make_day_trips(EDGES, WEIGHTS, ["venue"], PROFILE, seed=1)
    night = _count(trips, PROFILE, 2.0, 4.0)
    morning = _count(trips, PROFILE, 7.0, 9.0)
    assert morning > 5 * night


def test_event_peaks_go_to_the_venue_before_and_leave_after() -> None:
    trips = make_day_trips(EDGES, WEIGHTS, ["venue"], PROFILE, seed=3)
    arriving = [t for t in trips if t.to_edge == "venue"]
    leaving = [t for t in trips if t.from_edge == "venue"]
    expected = PROFILE.sessions[0].spectator_cars / PROFILE.time_compression
    assert len(arriving) == pytest.approx(expected, abs=1)
    assert all(PROFILE.clock_h(t.depart_s) <= 14.0 for t in arriving)
    assert all(PROFILE.clock_h(t.depart_s) >= 16.0 for t in leaving)


def test_time_compression_maps_clock_to_simulation() -> None:
    assert PROFILE.sim_s(24.0) == 24 * 3600 / PROFILE.time_compression
    assert PROFILE.clock_h(PROFILE.sim_s(7.5)) == pytest.approx(7.5)


@pytest.mark.parametrize(
    ("edges", "weights", "venues"),
    [
        pytest.param([], [], ["v"], id="no-edges"),
        pytest.param(["a", "b"], [1.0], ["v"], id="weights-mismatch"),
        pytest.param(["a", "b"], [1.0, 1.0], [], id="no-venue"),
    ],
)
def test_bad_demand_inputs_are_rejected(
    edges: list[str], weights: list[float], venues: list[str]
) -> None:
    with pytest.raises(InputError):
        make_day_trips(edges, weights, venues, PROFILE, seed=1)


def test_cars_never_entered_are_charged_until_the_end() -> None:
    records = [TripRecord("a", 10.0, 60.0, True), TripRecord("b", 30.0, 90.0, False)]
    scheduled = {"a": 0.0, "b": 50.0, "c": 900.0, "late": 2000.0, "early": -5.0}
    result = seed_result(
        1, records, scheduled, 1000.0, max_standstill_s=20.0, gridlock_after_s=600.0
    )
    assert result.due == 3  # a, b, c: 'late' is after the end, 'early' before the begin
    assert result.never_entered == 1
    assert result.mean_delay_s == pytest.approx((10.0 + 30.0 + 100.0) / 3, abs=0.01)
    assert result.mean_travel_time_s == 60.0  # arrived cars only
    assert result.arrived == 1
    assert not result.gridlock


@pytest.mark.parametrize(
    ("standstill_s", "gridlock"),
    [pytest.param(599.0, False, id="long-wait"), pytest.param(600.0, True, id="stuck")],
)
def test_gridlock_flag_follows_the_longest_standstill(standstill_s: float, gridlock: bool) -> None:
    result = seed_result(1, [], {}, 100.0, max_standstill_s=standstill_s, gridlock_after_s=600.0)
    assert result.gridlock is gridlock


def test_summary_has_the_documented_keys_and_means() -> None:
    results = [
        seed_result(
            s,
            [TripRecord("a", d, d, True)],
            {"a": 0.0},
            100.0,
            max_standstill_s=0.0,
            gridlock_after_s=600.0,
        )
        for s, d in ((2, 20.0), (1, 10.0))
    ]
    report = summarise("grid", "hostcity", results)
    assert set(report) == {
        "scenario", "controller", "seeds", "mean_delay_s", "mean_travel_time_s",
        "arrived", "due", "gridlock", "per_seed",
    }  # fmt: skip
    assert report["seeds"] == [1, 2]
    assert report["mean_delay_s"] == 15.0
    assert report["gridlock"] is False
