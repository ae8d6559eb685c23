"""Live forecasts from a store with gaps: a just-started twin is not read as standing traffic."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from hostcity.brain.forecast.adapters.twin_store import StoreHistory
from hostcity.brain.forecast.protocol import IN_STEPS
from hostcity.brain.forecast.service import ForecastService
from hostcity.brain.twin.adapters.tables import ObservationRow
from hostcity.core.db import session_scope
from hostcity.core.platform import Platform

NOW = datetime(2026, 2, 5, 10, 0, tzinfo=UTC)  # a Thursday morning, outside the 15-19 h rush


def _store(
    platform: Platform,
    detectors: list[str],
    first: datetime,
    minutes: int,
    *,
    vehicles: float = 20.0,
) -> None:
    """One reading a minute per detector: 20 vehicles (100 per five minutes) at 90 km/h."""
    with session_scope(platform.session_factory) as session:
        for m in range(minutes):
            for d in detectors:
                session.add(
                    ObservationRow(
                        detector_id=d,
                        observed_from=first + timedelta(minutes=m),
                        observed_to=first + timedelta(minutes=m + 1),
                        intensity_veh=vehicles,
                        speed_mps=25.0 if vehicles else None,
                        source="twin",
                    )
                )


def test_a_store_with_ten_minutes_of_free_flow_forecasts_free_flow(
    platform: Platform, rush_hour_model: Path
) -> None:
    live = [str(i) for i in range(4)]
    _store(platform, live, NOW - timedelta(minutes=11), 11)  # the twin started 11 minutes ago
    _store(platform, ["4"], NOW - timedelta(minutes=11), 11, vehicles=0.0)  # nobody passed
    _store(platform, ["5"], NOW - timedelta(days=1), 5)  # 5: known, silent since yesterday
    service = ForecastService(rush_hour_model.parent, StoreHistory(platform.session_factory))
    service.bundle().metadata["chosen"] = "ridge"  # a model that reads its 12 inputs

    body = service.forecast("0")
    assert body["source"] == "store"
    assert (body["inputs_observed"], body["inputs_needed"]) == (2, IN_STEPS)
    shown = [(h["flow"], h["speed"]) for h in body["history"]]
    assert shown[-2:] == [(100.0, 90.0), (100.0, 90.0)]
    assert all(flow is None and speed is None for flow, speed in shown[:-2])  # not measured
    # steady free flow in, steady free flow out (with the ten unmeasured steps read as zeros
    # the ridge forecast climbed to 114 km/h within the hour)
    assert all(abs(step["speed"] - 90.0) < 8.0 for step in body["forecast"])
    assert min(step["speed"] for step in body["forecast"]) > service.bundle().congestion_speed[0]
    assert body["congestion_in_min"] is None

    quiet = service.forecast("4")["history"][-2:]  # measured: no vehicle, so no speed
    assert [(h["flow"], h["speed"]) for h in quiet] == [(0.0, None), (0.0, None)]
    silent = service.forecast("5")
    assert silent["inputs_observed"] == 0 and silent["congestion_in_min"] is None
    assert service.congestion({})["congestion"] == []
    assert service.overview()["congestion"] == []
