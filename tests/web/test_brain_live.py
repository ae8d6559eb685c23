"""The City Brain page in headless Chromium against ``hostcity demo`` with the live twin."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser_harness import LiveServer, login, wait_for_toast

pytestmark = [pytest.mark.browser, pytest.mark.slow]
TWIN_START_MS = 180_000


def _open_live_tab(page: Any, server: LiveServer, role: str) -> None:
    login(page, server, role)
    page.goto(f"{server.url}/#/brain/live")
    page.wait_for_selector("#brain-map polyline", timeout=TWIN_START_MS)
    page.wait_for_function(
        "/\\d/.test(document.getElementById('kpi-vehicles').textContent)",
        timeout=TWIN_START_MS,
    )


def test_operator_sees_the_live_map_and_can_switch_a_controller(
    page: Any, live_server: LiveServer
) -> None:
    _open_live_tab(page, live_server, "operator")
    assert page.locator("#brain-map polyline").count() > 100
    assert page.locator("#brain-map-junctions circle").count() >= 10
    # one dot per vehicle in the network
    page.wait_for_function(
        "(() => { const n = Number(document.getElementById('kpi-vehicles').textContent);"
        " const dots = document.querySelectorAll('#brain-map-vehicles circle').length;"
        " return n > 0 && dots === n; })()",
        timeout=30_000,
    )
    assert "running" in page.inner_text("#twin-status")
    assert int(page.inner_text("#kpi-vehicles")) >= 0
    page.wait_for_function(
        "[...document.querySelectorAll('#brain-map polyline')]"
        ".some((p) => p.getAttribute('stroke') !== '#5b6b7b')",
        timeout=30_000,
    )
    select = page.locator("[id^=controller-select-]").first
    options = select.locator("option").all_inner_texts()
    assert "fixed" in options
    other = next((name for name in options if name != select.input_value()), None)
    if other is not None:
        select.select_option(other)
        wait_for_toast(page, other)


def test_fan_sees_controllers_read_only(page: Any, live_server: LiveServer) -> None:
    _open_live_tab(page, live_server, "fan")
    assert page.locator("[id^=controller-select-]").count() == 0
    assert page.locator("#junction-list td span[id^=controller-]").count() >= 10
