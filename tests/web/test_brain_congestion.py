"""The "congestion expected" layer of the City Brain live map, against ``hostcity demo``."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.browser_harness import LiveServer, login

pytestmark = [pytest.mark.browser, pytest.mark.slow]
TWIN_START_MS = 180_000
DEMO_MODEL_MS = 240_000
"""The demo trains its forecast model in a job at start-up; the layer retries until it is saved."""


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
    page.wait_for_selector("#congestion-controls[data-state='on']", timeout=DEMO_MODEL_MS)
    state = page.inner_text("#congestion-state")
    assert "expect congestion within 60 min" in state

    # the layer draws a marker for every detector the service places on this map
    served = httpx.get(
        f"{live_server.url}/api/brain/forecasts/congestion",
        headers={"Authorization": f"Bearer {live_server.tokens['fan']}"},
        timeout=30,
    ).json()
    placed = [c for c in served["congestion"] if c["x"] is not None]
    assert f"{len(placed)} on this map" in state
    assert page.locator("#congestion-layer circle.congestion-marker").count() == len(placed)
    if placed:
        title = page.locator("#congestion-layer circle.congestion-marker title").first
        assert (title.text_content() or "").startswith("congestion expected in ")

    page.uncheck("#congestion-toggle")
    page.wait_for_selector("#congestion-controls[data-state='off']")
    assert page.locator("#congestion-layer").count() == 0
    # the map itself is untouched by the layer
    assert page.locator("#brain-map polyline[data-edge]").count() > 100
