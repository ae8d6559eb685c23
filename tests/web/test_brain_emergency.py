"""The Emergency tab in headless Chromium on ``hostcity demo``: place a call, dispatch, follow."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

from tests.browser_harness import OUTPUT_DIR, LiveServer, login, wait_for_toast

pytestmark = [pytest.mark.browser, pytest.mark.slow]
TWIN_START_MS = 180_000


def _click_centre(page: Any, selector: str) -> None:
    box = page.locator(selector).bounding_box()
    assert box is not None, selector
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def _place_call(page: Any, selector: str) -> None:
    """Click ``selector`` on the map until the twin is up and the chooser lists ETAs."""
    deadline = time.monotonic() + TWIN_START_MS / 1000
    while True:
        _click_centre(page, selector)
        page.wait_for_selector("#eta-table, #eta-error", timeout=30_000)
        if page.locator("#eta-table").count():
            return
        assert time.monotonic() < deadline, page.inner_text("#eta-error")
        page.wait_for_timeout(2000)


def test_operator_dispatches_a_unit_and_follows_its_eta(page: Any, live_server: LiveServer) -> None:
    login(page, live_server, "operator")
    page.goto(f"{live_server.url}/#/brain/emergency")
    page.wait_for_selector("#emergency-roads polyline", timeout=TWIN_START_MS)
    page.wait_for_selector("#station-amb-1", timeout=30_000)
    assert page.locator("#emergency-units tbody tr").count() == 5
    assert all(
        kind in page.inner_text("#emergency-legend") for kind in ("ambulance", "fire", "police")
    )
    page.wait_for_function(  # roads by live speed
        "[...document.querySelectorAll('#emergency-roads polyline')]"
        ".some(p => p.getAttribute('stroke'))",
        timeout=30_000,
    )
    # a call at police car 1's station, answered by ambulance 1 from across the city
    _place_call(page, "#station-pol-1")
    assert page.locator("#call-marker").count() == 1
    etas = page.locator("#eta-table td.eta").all_inner_texts()
    assert sum(bool(re.search(r"\d+ s", t)) for t in etas) == 5, etas
    page.click("#dispatch-amb-1")
    wait_for_toast(page, "amb-1 dispatched")
    page.wait_for_selector("#call-eta", timeout=10_000)
    assert re.search(r"\d+ s", page.inner_text("#call-eta")), page.inner_text("#call-eta")
    page.wait_for_selector("#unit-marker-amb-1", timeout=30_000)
    assert page.inner_text("#unit-row-amb-1 .status") in {"on the way", "on scene"}
    shots = OUTPUT_DIR / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "brain-emergency-driving.png"))
    page.wait_for_function(
        "document.getElementById('call-status')?.textContent === 'on scene'", timeout=120_000
    )
    assert page.inner_text("#call-eta") == "arrived"
    assert page.inner_text("#unit-row-amb-1 .status") == "on scene"
    # the operator clears the scene early: the call closes and the ambulance drives home
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#cancel-call")
    wait_for_toast(page, "amb-1 leaves the scene")
    page.wait_for_function(
        "['returning', 'available'].includes("
        "document.querySelector('#unit-row-amb-1 .status')?.textContent)",
        timeout=30_000,
    )
    page.wait_for_function(
        "document.getElementById('call-status')?.textContent === 'closed'", timeout=10_000
    )
    assert page.locator("#cancel-call").count() == 0
    assert "cleared early" in page.inner_text("#call-note")


def test_fans_are_told_dispatch_is_for_operators(page: Any, live_server: LiveServer) -> None:
    login(page, live_server, "fan")
    page.goto(f"{live_server.url}/#/brain/emergency")
    page.wait_for_selector("#emergency-status")
    assert "for operators" in page.inner_text("#emergency-status")
    assert page.locator("#emergency-map").count() == 0


def test_operator_adds_a_unit_on_the_map_and_removes_it(page: Any, live_server: LiveServer) -> None:
    login(page, live_server, "operator")
    page.goto(f"{live_server.url}/#/brain/emergency")
    page.wait_for_selector("#emergency-roads polyline", timeout=TWIN_START_MS)
    page.wait_for_selector("#station-fire-1", timeout=30_000)
    # placing a station needs an id first
    page.click("#place-station")
    wait_for_toast(page, "Give the unit an id first", kind="error")
    page.fill("#unit-id", "amb-9")
    page.select_option("#unit-kind", "ambulance")
    page.fill("#unit-name", "Ambulance 9")
    page.click("#place-station")
    _click_centre(page, "#station-fire-1")  # a road the fire station stands on
    wait_for_toast(page, "Unit amb-9 saved")
    page.wait_for_selector("#unit-row-amb-9", timeout=10_000)
    page.wait_for_selector("#station-amb-9", timeout=10_000)
    assert page.inner_text("#unit-row-amb-9 .status") == "available"
    # a click on the map is a call again, not another station
    assert "Click a road" not in page.inner_text("#unit-hint")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#remove-amb-9")
    wait_for_toast(page, "Unit amb-9 removed")
    page.wait_for_function("!document.getElementById('unit-row-amb-9')", timeout=10_000)
    assert page.locator("#station-amb-9").count() == 0
