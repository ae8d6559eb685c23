"""The kiosk and the gate simulator in headless Chromium: enrol a fan, then admit them at a gate."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from hostcity.core.db import session_scope
from hostcity.core.platform import Platform
from hostcity.core.settings import Settings
from hostcity.core.timeutil import utcnow
from hostcity.smartpass.faces.records import issue_ticket
from tests.browser_harness import OUTPUT_DIR, serve_in_thread
from tests.smartpass.faces.conftest import Rgb, gate_frame, jpeg, transform

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def server(
    settings: Settings, platform: Platform, tokens: dict[str, str]
) -> Iterator[tuple[str, dict[str, str]]]:
    """The app on a free port in a thread, with ticket T-1 for venue-1."""
    now = utcnow()
    with session_scope(platform.session_factory) as session:
        issue_ticket(
            session,
            ticket_id="T-1",
            venue_id="venue-1",
            valid_from=now - timedelta(hours=1),
            valid_to=now + timedelta(days=1),
        )
    with serve_in_thread(settings, platform) as url:
        yield url, tokens


def _page(browser: Any, url: str, token: str, errors: list[str]) -> Any:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{url}/#login={token}")
    page.wait_for_selector("#who-name")
    return page


def test_enrol_at_the_kiosk_then_admitted_at_the_gate(
    browser: Any, server: tuple[str, dict[str, str]], hopper: Rgb, tmp_path: Path
) -> None:
    url, tokens = server
    photo = tmp_path / "me.jpg"
    photo.write_bytes(jpeg(hopper))
    frame = tmp_path / "frame.jpg"
    frame.write_bytes(jpeg(gate_frame(transform(hopper, "scale80"))))
    errors: list[str] = []
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)

    kiosk = _page(browser, url, tokens["fan"], errors)
    kiosk.goto(f"{url}/#/pass/kiosk")
    kiosk.wait_for_selector("#kiosk-enrol")
    kiosk.wait_for_selector("#kiosk-consent-text small")
    kiosk.set_input_files("#kiosk-photo", str(photo))
    kiosk.fill("#kiosk-name", "Grace Hopper")
    kiosk.fill("#kiosk-ticket", "T-1")
    kiosk.click("#kiosk-enrol")
    assert "accept the consent" in kiosk.inner_text("#kiosk-result")
    kiosk.check("#kiosk-consent")
    kiosk.click("#kiosk-enrol")
    kiosk.wait_for_selector("#kiosk-enrolled", timeout=60_000)
    assert "T-1" in kiosk.inner_text("#kiosk-result")
    kiosk.screenshot(path=str(OUTPUT_DIR / "pass-kiosk.png"), full_page=True)

    gate = _page(browser, url, tokens["gate"], errors)
    gate.goto(f"{url}/#/pass/gate")
    gate.wait_for_selector("#gate-verify")
    assert gate.input_value("#gate-venue") == "venue-1"
    gate.set_input_files("#gate-frame", str(frame))
    gate.click("#gate-verify")
    gate.wait_for_selector("#gate-decision", timeout=60_000)
    assert gate.get_attribute("#gate-decision", "data-decision") == "admit"
    assert "ms on the server" in gate.inner_text("#gate-result")
    gate.screenshot(path=str(OUTPUT_DIR / "pass-gate.png"), full_page=True)
    assert errors == [], f"JavaScript errors on the page: {errors}"
