"""The "congestion expected" layer of the City Brain live map, against ``hostcity demo``."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from tests.browser_harness import LiveServer, login

pytestmark = [pytest.mark.browser, pytest.mark.slow]
TWIN_START_MS = 180_000
DEMO_MODEL_MS = 240_000
"""At start-up the demo records its loops' history (8 h in the harness) and trains on it in a
job; until the model is saved the layer says "forecasts are being prepared: N%" and retries."""


def _get(server: LiveServer, path: str, role: str = "fan") -> Any:
    headers = {"Authorization": f"Bearer {server.tokens[role]}"}
    response = httpx.get(f"{server.url}{path}", headers=headers, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def test_congestion_layer_turns_on_with_legend_and_the_served_forecasts(
    page: Any, live_server: LiveServer
) -> None:
    login(page, live_server, "fan")
    page.goto(f"{live_server.url}/#/brain/live")
    page.wait_for_selector("#brain-map polyline", timeout=TWIN_START_MS)
    assert page.get_attribute("#congestion-controls", "data-state") == "off"
    assert page.locator("#congestion-legend").is_hidden()

    page.check("#congestion-toggle")
    assert page.locator("#congestion-legend").is_visible()
    assert "≤ 15 min" in page.inner_text("#congestion-legend")
    state = page.inner_text("#congestion-state")
    assert "unavailable" not in state and "no forecasts" not in state, state
    page.wait_for_selector("#congestion-controls[data-state='on']", timeout=DEMO_MODEL_MS)
    state = page.inner_text("#congestion-state")
    assert "expect congestion within 60 min" in state

    # the demo's model forecasts the twin's own loops: each one whose road the map draws
    # (loops on tram tracks and cycle paths have no drawn road) is on this map
    served = _get(live_server, "/api/brain/forecasts/congestion")
    detectors = _get(live_server, "/api/brain/detectors")["detectors"]
    loops = {d["id"]: d["edge"] for d in detectors if d["tls"] is not None}  # the twin's
    drawn = {e["id"] for e in _get(live_server, "/api/brain/twin/network")["edges"]}
    overview = _get(live_server, "/api/brain/forecasts")
    assert served["detectors"] == len(overview["detectors"]) > 50
    assert set(overview["detectors"]) <= set(loops)
    on_drawn_roads = [d for d in overview["detectors"] if loops[d] in drawn]
    assert served["on_map"] == len(on_drawn_roads) > 50
    assert "not on this map" not in state
    # the forecasts move on as the twin runs, so the text and the markers are read together,
    # from one drawing, rather than against a later request
    state, markers = page.evaluate(
        "() => [document.getElementById('congestion-state').textContent,"
        " document.querySelectorAll('#congestion-layer circle.congestion-marker').length]"
    )
    shown = re.search(r"(\d+) on this map", state)
    assert shown is not None and int(shown.group(1)) == markers, state
    kinds = (
        ("circle.congestion-marker:not(.congestion-possible)", "congestion expected in "),
        ("circle.congestion-possible", "congestion possible in "),  # a dashed ring
    )
    for selector, words in kinds:
        found = page.locator(f"#congestion-layer {selector} title")
        if found.count():
            assert (found.first.text_content() or "").startswith(words)

    page.uncheck("#congestion-toggle")
    page.wait_for_selector("#congestion-controls[data-state='off']")
    assert page.locator("#congestion-layer").count() == 0
    # the map itself is untouched by the layer
    assert page.locator("#brain-map polyline[data-edge]").count() > 100


def test_forecast_tab_charts_the_demo_citys_own_loops(page: Any, live_server: LiveServer) -> None:
    login(page, live_server, "operator")
    page.goto(f"{live_server.url}/#/brain/forecast")
    # attached, not visible: a flat forecast (last value on a quiet loop) has no height, and
    # the browser calls a line without height hidden
    line = page.wait_for_selector(
        "#forecast-chart #forecast-line", state="attached", timeout=DEMO_MODEL_MS
    )
    assert line is not None and len((line.get_attribute("points") or "").split()) >= 12
    options = page.eval_on_selector_all("#forecast-detector option", "els => els.map(e => e.value)")
    detectors = _get(live_server, "/api/brain/detectors")["detectors"]
    loops = {d["id"] for d in detectors if d["tls"] is not None}
    assert len(options) > 50
    assert set(options) <= loops
    # the loops on named streets are listed by their street (the demo city is an OSM import)
    named = {d["id"]: d["street"] for d in detectors if d.get("street")}
    assert len(named) > 20
    labels = page.locator("#forecast-detector option").all_inner_texts()
    assert any(
        label == f"{named[i]} · {i}" for i, label in zip(options, labels, strict=True) if i in named
    )
    model = page.inner_text("#forecast-model")
    assert "Inputs from store" in model  # live readings of the twin, not the training data
    job = _get(live_server, "/api/jobs?kind=brain.forecast_demo", "operator")[0]
    assert job["status"] == "succeeded"
    assert job["result"]["model"]["version"] in model
