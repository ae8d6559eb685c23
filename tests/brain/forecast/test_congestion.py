"""Pure logic of the congestion layer and of recorded days: outlooks, places, day plans."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
import pytest

from hostcity.brain.control.demand import DemandProfile
from hostcity.brain.forecast.adapters.history_sim import nearest_edges
from hostcity.brain.forecast.congestion import (
    BUSY_FLOW_SHARE,
    Thresholds,
    detector_places,
    outlook,
    point_along,
)
from hostcity.brain.forecast.daily import (
    WEEKEND_SHAPE,
    check_days,
    first_day,
    plan_days,
    reading_interval_s,
)
from hostcity.brain.twin.types import (
    DetectorSpec,
    EdgeGeometry,
    NetworkGeometry,
)
from hostcity.core.errors import InputError

NAMES = ("flow", "speed")


def _forecast(flow: list[float], speed: list[float]) -> np.ndarray:
    return np.stack([np.array(flow, dtype=float), np.array(speed, dtype=float)], axis=-1)


FREE = [90.0] * 12


@pytest.mark.parametrize(
    ("speed", "minutes", "severity", "expected"),
    [
        pytest.param([90, 80, 55, 50, *[90] * 8], 15, "heavy", 55.0, id="speed-dips-at-15-min"),
        pytest.param([30, *[90] * 11], 5, "severe", 30.0, id="already-crawling"),
        pytest.param([*[90] * 11, 59.9], 60, "heavy", 59.9, id="last-step"),
        pytest.param([50, 45, 35, *[90] * 9], 5, "severe", 50.0, id="worst-step-decides"),
    ],
)
def test_speed_below_threshold_gives_first_step_and_severity(
    speed: list[float], minutes: int, severity: str, expected: float
) -> None:
    found = outlook(_forecast([10.0] * 12, speed), NAMES, Thresholds(speed_kmh=60.0, flow_veh=5))
    assert found is not None
    assert found.minutes_ahead == minutes
    assert found.severity == severity
    assert found.feature == "speed"
    assert found.expected == pytest.approx(expected)
    assert found.threshold == 60.0
    assert found.to_dict()["unit"] == "km/h"


def test_speed_decides_over_flow_when_both_are_forecast() -> None:
    # flow is far above its threshold, but speed stays free: no congestion
    assert outlook(_forecast([500.0] * 12, FREE), NAMES, Thresholds(60.0, 100.0)) is None


def test_slow_but_quiet_steps_are_not_congestion() -> None:
    thresholds = Thresholds.from_history(speed_kmh=60.0, flow_veh=10.0)
    assert thresholds.busy_flow_veh == pytest.approx(10.0 * BUSY_FLOW_SHARE)
    speed = [30.0] * 12
    quiet = [1.0] * 12
    assert outlook(_forecast(quiet, speed), NAMES, thresholds) is None
    busy_later = [1.0, 1.0, 1.0, 8.0, *[1.0] * 8]
    found = outlook(_forecast(busy_later, speed), NAMES, thresholds)
    assert found is not None
    assert found.minutes_ahead == 20
    # without a flow forecast, speed alone decides
    only_speed = outlook(np.array(speed)[:, None], ("speed",), thresholds)
    assert only_speed is not None
    assert only_speed.minutes_ahead == 5


@pytest.mark.parametrize(
    ("flow", "minutes", "severity"),
    [
        pytest.param([50, 50, 50, 110, *[50] * 8], 20, "heavy", id="heavy-at-20-min"),
        pytest.param([50, 50, 150, *[50] * 9], 15, "severe", id="severe"),
    ],
)
def test_flow_decides_without_speed(flow: list[float], minutes: int, severity: str) -> None:
    found = outlook(np.array(flow, dtype=float)[:, None], ("flow",), Thresholds(flow_veh=100.0))
    assert found is not None
    assert (found.minutes_ahead, found.severity, found.feature) == (minutes, severity, "flow")


@pytest.mark.parametrize(
    ("forecast", "names", "thresholds"),
    [
        pytest.param(_forecast([10.0] * 12, FREE), NAMES, Thresholds(60.0, 5.0), id="free"),
        pytest.param(_forecast([10.0] * 12, [10.0] * 12), NAMES, Thresholds(), id="no-thresholds"),
        pytest.param(np.full((12, 1), 999.0), ("occupancy",), Thresholds(60, 5), id="no-feature"),
    ],
)
def test_no_congestion(
    forecast: np.ndarray, names: tuple[str, ...], thresholds: Thresholds
) -> None:
    assert outlook(forecast, names, thresholds) is None


def test_steps_past_the_horizon_do_not_count() -> None:
    speed = [*[90.0] * 6, *[20.0] * 6]
    assert outlook(_forecast([1.0] * 12, speed), NAMES, Thresholds(60.0), horizon_min=30) is None
    found = outlook(_forecast([1.0] * 12, speed), NAMES, Thresholds(60.0), horizon_min=60)
    assert found is not None
    assert found.minutes_ahead == 35


@pytest.mark.parametrize(
    ("distance", "point"),
    [
        pytest.param(0.0, (0.0, 0.0), id="start"),
        pytest.param(50.0, (50.0, 0.0), id="first-piece"),
        pytest.param(130.0, (100.0, 30.0), id="second-piece"),
        pytest.param(999.0, (100.0, 100.0), id="past-the-end"),
        pytest.param(-5.0, (0.0, 0.0), id="before-the-start"),
    ],
)
def test_point_along_a_polyline(distance: float, point: tuple[float, float]) -> None:
    shape = [(0.0, 0.0), (100.0, 0.0), (100.0, 0.0), (100.0, 100.0)]
    assert point_along(shape, distance) == pytest.approx(point)


def test_detector_places_on_the_drawn_edge() -> None:
    edge = EdgeGeometry("e1", "a", "b", 2, 13.9, [(0.0, 0.0), (0.0, 200.0)])
    network = NetworkGeometry([edge], [], ["j"], (0.0, 0.0, 0.0, 200.0))
    specs = [
        DetectorSpec("d1", "j", "e1_0", "e1", 0, 190.0, (7.5, 51.2)),
        DetectorSpec("d2", "j", "gone_0", "gone", 0, 10.0),
    ]
    places = detector_places(network, specs)
    assert places["d1"].to_dict() == {
        "edge": "e1", "lane": "e1_0", "x": 0.0, "y": 190.0, "lon": 7.5, "lat": 51.2,
    }  # fmt: skip
    assert (places["d2"].x, places["d2"].edge) == (None, "gone")
    assert detector_places(None, specs)["d1"].x is None


def test_nearest_edges_skip_self_even_at_equal_positions() -> None:
    xy = np.array([[0.0, 0.0], [0.0, 0.0], [300.0, 0.0]])
    edges = nearest_edges(xy, 1)
    assert edges == [(0, 1, 0.0), (1, 0, 0.0), (2, 0, 300.0)]
    assert nearest_edges(xy[:1], 3) == []


def test_plan_days_weekday_weekend_and_seeded_variation() -> None:
    base = DemandProfile()
    plans = plan_days(date(2026, 3, 6), 3, base=base, seed=7, time_compression=4.0)
    assert [p.day.isoformat() for p in plans] == ["2026-03-06", "2026-03-07", "2026-03-08"]
    assert [p.weekend for p in plans] == [False, True, True]
    assert plans[0].profile.shape == base.shape
    assert plans[1].profile.shape == WEEKEND_SHAPE
    assert all(p.event and p.profile.sessions == base.sessions for p in plans[1:])
    assert len({p.profile.peak_veh_per_h for p in plans}) == 3
    assert plans[1].profile.peak_veh_per_h < base.peak_veh_per_h
    again = plan_days(date(2026, 3, 6), 3, base=base, seed=7, time_compression=4.0)
    assert again == plans
    other = plan_days(date(2026, 3, 6), 3, base=base, seed=8, time_compression=4.0)
    assert [p.profile.peak_veh_per_h for p in other] != [p.profile.peak_veh_per_h for p in plans]


def test_first_day_ends_at_the_midnight_before() -> None:
    end = datetime(2026, 3, 4, 17, 30, tzinfo=UTC)
    assert first_day(2, end) == datetime(2026, 3, 2, tzinfo=UTC)


@pytest.mark.parametrize("days", [pytest.param(0, id="zero"), pytest.param(-1, id="negative"),
                                  pytest.param(61, id="too-many")])  # fmt: skip
def test_bad_days_are_refused(days: int) -> None:
    with pytest.raises(InputError, match="--days must be 1 to 60"):
        check_days(days)


@pytest.mark.parametrize(
    ("compression", "interval"),
    [pytest.param(4.0, 75.0, id="demo"), pytest.param(1.0, 300.0, id="real-time")],
)
def test_reading_interval(compression: float, interval: float) -> None:
    assert reading_interval_s(compression) == interval


@pytest.mark.parametrize("compression", [pytest.param(7.0, id="not-a-divisor"),
                                         pytest.param(0.0, id="zero"),
                                         pytest.param(600.0, id="under-a-second")])  # fmt: skip
def test_bad_compression_is_refused(compression: float) -> None:
    with pytest.raises(InputError, match="time compression"):
        reading_interval_s(compression)


def test_congestion_skill_counts_flags_that_came_true_and_events_flagged() -> None:
    from hostcity.brain.forecast.congestion import congestion_skill

    names = ("flow", "speed")
    fast, slow = (10.0, 60.0), (10.0, 10.0)
    forecast = np.empty((2, 12, 2, 2))
    truth = np.empty_like(forecast)
    forecast[0, :, 0], truth[0, :, 0] = slow, slow  # flagged, and it came: a hit
    forecast[0, :, 1], truth[0, :, 1] = slow, fast  # flagged, it did not come
    forecast[1, :, 0], truth[1, :, 0] = fast, slow  # came without a flag
    forecast[1, :, 1], truth[1, :, 1] = fast, (10.0, 0.0)  # speed 0: no vehicle, not a queue
    limits = [Thresholds.from_history(30.0, 12.0)] * 2
    skill = congestion_skill(forecast, truth, names, limits)
    assert skill == {
        "congestion_flags": 2.0,
        "congestion_events": 2.0,
        "congestion_precision": 0.5,
        "congestion_recall": 0.5,
    }
    assert "congestion_precision" not in congestion_skill(truth * 0 + 60.0, truth, names, limits)


def test_training_thresholds_are_the_free_speed_share_and_the_heavy_flow() -> None:
    from hostcity.brain.forecast.congestion import training_thresholds

    values = np.zeros((100, 2, 2))
    values[:, 0, 0] = np.arange(100)  # flow 0..99
    values[:, 0, 1] = 50.0  # speed 50 km/h, always
    [measured, silent] = training_thresholds(values, ("flow", "speed"))
    assert measured.speed_kmh == pytest.approx(30.0)  # 0.6 of the 90th percentile speed
    assert measured.flow_veh == pytest.approx(np.quantile(np.arange(1, 100), 0.95))
    assert measured.busy_flow_veh == pytest.approx(measured.flow_veh / 2)
    assert (silent.speed_kmh, silent.flow_veh) == (0.0, 0.0)  # never measured: no threshold


def test_the_band_edge_flags_possible_congestion_where_the_forecast_does_not() -> None:
    from hostcity.brain.forecast.congestion import congested_edge, outlook_with_band

    limits = Thresholds.from_history(30.0, 100.0)
    forecast = _forecast([80.0] * 12, [40.0] * 6 + [34.0] * 6)  # busy, slowing, not congested
    band = np.zeros((12, 2, 2))
    band[..., 0], band[..., 1] = -5.0, 5.0  # truth - forecast: 10th and 90th percentiles
    edge = congested_edge(forecast, band, NAMES)
    assert edge[0].tolist() == [80.0, 35.0]  # speed down; flow, which only says "busy", stays
    flow_only = congested_edge(forecast[:, :1], band[:, :1], ("flow",))
    assert flow_only[0].tolist() == [85.0]  # without speed, flow decides: up to the high end
    found = outlook_with_band(forecast, band, NAMES, limits)
    assert found is not None
    assert (found.likelihood, found.minutes_ahead, found.expected) == ("possible", 35, 29.0)
    assert found.to_dict()["likelihood"] == "possible"
    slow = _forecast([80.0] * 12, [25.0] * 12)
    crossing = outlook_with_band(slow, band, NAMES, limits)
    assert crossing is not None and crossing.likelihood == "expected"
    assert outlook_with_band(forecast, band * 0, NAMES, limits) is None  # no width, no doubt
    leaning = band.copy()
    leaning[..., 0] = 2.0  # a band above the forecast never makes it look slower
    assert congested_edge(forecast, leaning, NAMES)[..., 1].tolist() == forecast[..., 1].tolist()


def test_congestion_skill_scores_the_possible_flags_too() -> None:
    from hostcity.brain.forecast.congestion import congestion_skill

    limits = [Thresholds.from_history(30.0, 12.0)]
    forecast = np.empty((2, 12, 1, 2))
    truth = np.empty_like(forecast)
    forecast[0, :, 0], truth[0, :, 0] = (20.0, 33.0), (20.0, 20.0)  # near: possible, and came
    forecast[1, :, 0], truth[1, :, 0] = (20.0, 33.0), (20.0, 60.0)  # near: possible, did not
    band = np.zeros((12, 1, 2, 2))
    band[..., 1, 0] = -5.0
    skill = congestion_skill(forecast, truth, NAMES, limits, band)
    assert (skill["congestion_flags"], skill["congestion_events"]) == (0.0, 1.0)
    assert skill["congestion_recall"] == 0.0
    assert skill["congestion_or_possible_flags"] == 2.0
    assert skill["congestion_or_possible_precision"] == 0.5
    assert skill["congestion_or_possible_recall"] == 1.0
