"""What visitors open on their phones fits a phone's screen: no sideways scrolling."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser_harness import LiveServer, screenshot_page

PHONE = (390, 844)


@pytest.mark.parametrize(
    "where",
    ["", "pass/agenda", "pass/trips", "pass/exit", "pass/kiosk", "replay"],
    ids=["home", "agenda", "trips", "exit", "kiosk", "replay"],
)
def test_visitor_pages_fit_a_phone(browser: Any, live_server: LiveServer, where: str) -> None:
    name = where.replace("/", "-") or "home"
    with screenshot_page(browser, f"phone-{name}.png", PHONE) as page:
        page.goto(f"{live_server.url}/#login={live_server.tokens['fan']}")
        page.wait_for_selector("#who-name")
        page.goto(f"{live_server.url}/#/{where}")
        page.wait_for_selector("main h1")
        page.wait_for_timeout(1500)  # let the tab fill in (lists, maps)
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= PHONE[0], f"{where or 'home'} is {wide} px wide on a {PHONE[0]} px phone"
