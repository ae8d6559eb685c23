"""Without the twin, the Live traffic tab maps the city's sensors (headless Chromium)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from hostcity.core.platform import open_platform
from hostcity.core.settings import Settings
from tests.brain.twin.entities import entity
from tests.browser_harness import screenshot_page, serve_in_thread
from tests.conftest import auth, role_tokens

pytestmark = [pytest.mark.browser, pytest.mark.slow]

RED, GREEN = "#ff5d5d", "#3ecf8e"
GANTRIES = {  # id: (lon, lat, occupancy)
    "gantry-1": (13.5200, 52.4300, 0.08),
    "gantry-2": (13.5260, 52.4310, 0.45),
    "gantry-3": (13.5320, 52.4325, 0.10),
}


def _reading(det: str, lon: float, lat: float, occupancy: float, minute: int = 0) -> Any:
    return entity(
        det,
        occupancy=occupancy,
        location={"type": "Point", "coordinates": [lon, lat]},
        dateObservedFrom=f"2026-02-10T08:{minute:02d}:00Z",
        dateObservedTo=f"2026-02-10T08:{minute + 1:02d}:00Z",
    )


def test_the_live_map_shows_the_sensors_and_their_links(
    browser: Any, settings: Settings, tmp_path: Path
) -> None:
    graph = tmp_path / "sensors.csv"
    graph.write_text("from,to,distance\ngantry-1,gantry-2,420\ngantry-2,gantry-3,430\n")
    configured = settings.model_copy(
        update={"brain": settings.brain.model_copy(update={"sensor_graph": graph})}
    )
    platform = open_platform(configured)
    tokens = role_tokens(platform)
    try:
        with (
            serve_in_thread(configured, platform) as url,
            screenshot_page(browser, "brain-sensor-map.png", (1400, 900)) as page,
        ):
            readings = [_reading(d, *where) for d, where in GANTRIES.items()]
            posted = httpx.post(
                f"{url}/api/brain/observations", json=readings, headers=auth(tokens["operator"])
            )
            assert posted.status_code == 201, posted.text
            page.goto(f"{url}/#login={tokens['fan']}")
            page.wait_for_selector("#who-name")
            page.goto(f"{url}/#/brain/live")
            page.wait_for_selector("#sensor-dots circle[data-sensor='gantry-3']")
            fills = {d: page.get_attribute(f"circle[data-sensor='{d}']", "fill") for d in GANTRIES}
            assert fills == {"gantry-1": GREEN, "gantry-2": RED, "gantry-3": GREEN}
            links = page.eval_on_selector_all(
                "#sensor-links line", "ls => ls.map(l => l.dataset.from + '>' + l.dataset.to)"
            )
            assert sorted(links) == ["gantry-1>gantry-2", "gantry-2>gantry-3"]
            x = {d: float(page.get_attribute(f"circle[data-sensor='{d}']", "cx")) for d in GANTRIES}
            assert x["gantry-1"] < x["gantry-2"] < x["gantry-3"]  # west to east, as on the ground
            assert "Sensors by their latest reading" in page.inner_text("#map-legend")
            labels = page.eval_on_selector_all(
                "#sensor-labels text", "ts => ts.map(t => t.textContent)"
            )
            assert labels == sorted(GANTRIES)
            tiles = {t: page.inner_text(f"#kpi-{t}") for t in ("vehicles", "delay", "clock")}
            assert tiles == {"vehicles": "3", "delay": "1", "clock": "08:01"}
            assert page.inner_text("#kpi-speed") == "36.0"
            assert page.is_hidden("#junction-list")

            # live: gantry-1 jams, and a fourth gantry reports from a new place
            more = [
                _reading("gantry-1", 13.5200, 52.4300, 0.6, minute=1),
                _reading("gantry-4", 13.5380, 52.4340, 0.05, minute=1),
            ]
            posted = httpx.post(
                f"{url}/api/brain/observations", json=more, headers=auth(tokens["operator"])
            )
            assert posted.status_code == 201, posted.text
            page.wait_for_function(
                f"document.querySelector(\"circle[data-sensor='gantry-1']\")"
                f".getAttribute('fill') === '{RED}'",
                timeout=15_000,
            )
            page.wait_for_selector("circle[data-sensor='gantry-4']", timeout=15_000)
            page.wait_for_function(
                "document.getElementById('kpi-vehicles').textContent === '4'", timeout=5_000
            )
            assert page.inner_text("#kpi-delay") == "2"  # gantry-1 and gantry-2 are red
            assert page.inner_text("#kpi-clock") == "08:02"
            title = page.text_content("circle[data-sensor='gantry-1'] title") or ""
            assert "occupancy 60%" in title

            # a late reading of an earlier minute does not paint over the newer one
            late = [_reading("gantry-1", 13.5200, 52.4300, 0.02, minute=0)]
            posted = httpx.post(
                f"{url}/api/brain/observations", json=late, headers=auth(tokens["operator"])
            )
            assert posted.status_code == 201, posted.text
            page.wait_for_function(
                "document.getElementById('observation-feed').textContent"
                ".includes('1 reading(s) from api')",
                timeout=15_000,
            )
            assert page.get_attribute("circle[data-sensor='gantry-1']", "fill") == RED
    finally:
        platform.close()


def test_without_located_sensors_the_map_says_what_it_waits_for(
    browser: Any, settings: Settings
) -> None:
    platform = open_platform(settings)
    tokens = role_tokens(platform)
    try:
        with (
            serve_in_thread(settings, platform) as url,
            screenshot_page(browser, "brain-sensor-map-empty.png", (1200, 800)) as page,
        ):
            unplaced = entity("loop-x", location=None)
            posted = httpx.post(
                f"{url}/api/brain/observations", json=[unplaced], headers=auth(tokens["operator"])
            )
            assert posted.status_code == 201, posted.text
            page.goto(f"{url}/#login={tokens['operator']}")
            page.wait_for_selector("#who-name")
            page.goto(f"{url}/#/brain/live")
            page.wait_for_function(
                "document.getElementById('map-legend').textContent"
                ".includes('No sensor has sent its location yet')",
                timeout=15_000,
            )
            assert page.locator("#sensor-dots circle").count() == 0
    finally:
        platform.close()


def test_incidents_sit_on_the_sensors_without_the_twin(browser: Any, settings: Settings) -> None:
    platform = open_platform(settings)
    tokens = role_tokens(platform)
    operator = auth(tokens["operator"])
    try:
        with (
            serve_in_thread(settings, platform) as url,
            screenshot_page(browser, "brain-incidents-on-sensors.png", (1400, 900)) as page,
        ):
            readings = [_reading(d, *where) for d, where in GANTRIES.items()]
            assert httpx.post(f"{url}/api/brain/observations", json=readings, headers=operator)
            at_sensor = httpx.post(
                f"{url}/api/brain/incidents",
                json={"edge_id": "via-roma", "detector_id": "gantry-2", "severity": "severe"},
                headers=operator,
            ).json()
            by_place = httpx.post(
                f"{url}/api/brain/incidents",
                json={"edge_id": "via-nuova", "lon": 13.5320, "lat": 52.4325},
                headers=operator,
            ).json()
            page.goto(f"{url}/#login={tokens['operator']}")
            page.wait_for_selector("#who-name")
            page.goto(f"{url}/#/brain/incidents")
            page.wait_for_selector(f"#incident-marker-{at_sensor['id']}", timeout=15_000)
            page.wait_for_selector(f"#incident-marker-{by_place['id']}", timeout=15_000)

            def centre(selector: str) -> tuple[float, float]:
                return (
                    float(page.get_attribute(selector, "cx") or "nan"),
                    float(page.get_attribute(selector, "cy") or "nan"),
                )

            sensor_2 = centre("#incident-map circle[data-sensor='gantry-2']")
            sensor_3 = centre("#incident-map circle[data-sensor='gantry-3']")
            assert centre(f"#incident-marker-{at_sensor['id']}") == pytest.approx(sensor_2)
            assert centre(f"#incident-marker-{by_place['id']}") == pytest.approx(sensor_3)
            assert "waiting for the twin" not in (page.text_content("#incident-map") or "")
            page.wait_for_function(
                "document.getElementById('exercise-learning').textContent"
                '.includes("learning the sensors\' normal traffic")'
            )
            assert page.is_hidden("#exercise-book")  # no twin: no vehicle to stall
    finally:
        platform.close()
