"""The way-out tab: pick a venue and section, see the route drawn on the venue plan."""

from __future__ import annotations

from typing import Any

from tests.browser_harness import LiveServer, login


def test_exit_route_is_drawn_on_the_plan(page: Any, live_server: LiveServer) -> None:
    login(page, live_server, "fan")
    page.goto(f"{live_server.url}/#pass/exit")
    page.wait_for_selector("#exit-plan polygon")
    page.select_option("#exit-venue", "OVL")
    page.wait_for_selector("#exit-plan[aria-label*='Speed Oval']")
    page.wait_for_selector("#exit-section option[value='S4']", state="attached")
    page.select_option("#exit-section", "S4")
    page.click("#exit-find")
    page.wait_for_selector("#exit-path")
    assert "East Gate" in page.inner_text("#exit-name")
    assert page.locator("#exit-plan polygon[stroke='#3fa7ff']").count() >= 3
