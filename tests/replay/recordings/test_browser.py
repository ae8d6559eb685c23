"""The recordings panel in headless Chromium: pick a set, angles, a window and a highlight."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from hostcity.core.platform import Platform
from hostcity.core.settings import Settings
from hostcity.replay.recordings import importing, service
from tests.browser_harness import OUTPUT_DIR, serve_in_thread
from tests.replay.recordings.conftest import FOOTAGE_SECONDS

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def server(
    settings: Settings, platform: Platform, tokens: dict[str, str], footage_files: list[Path]
) -> Iterator[tuple[str, dict[str, str]]]:
    """The app on a free port in a thread, with the generated footage imported as 'race'."""
    request = importing.ImportRequest(name="race", files=footage_files)
    service.import_set(platform.session_factory, settings.media_dir, request)
    with serve_in_thread(settings, platform) as url:
        yield url, tokens


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A page of the shared headless Chromium; JavaScript errors fail the test."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    new_page = context.new_page()
    errors: list[str] = []
    new_page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield new_page
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    new_page.screenshot(path=str(OUTPUT_DIR / "replay-recordings.png"), full_page=True)
    context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


def _window(page: Any) -> tuple[float, float]:
    return float(page.input_value("#replay-start")), float(page.input_value("#replay-end"))


def test_pick_angles_window_and_highlight(page: Any, server: tuple[str, dict[str, str]]) -> None:
    url, tokens = server
    page.goto(f"{url}/#login={tokens['fan']}")
    page.wait_for_selector("#who-name")
    page.goto(f"{url}/#/replay")
    page.wait_for_selector("#replay-camera-cam4")
    assert page.input_value("#replay-set-select") == "race"
    assert page.locator("#replay-timeline .replay-camera").count() == 4
    page.wait_for_function(
        "[...document.querySelectorAll('#replay-timeline image')]"
        ".every((i) => (i.getAttribute('href') || '').startsWith('blob:'))"
    )
    page.click("#replay-camera-cam3 text")
    selected = page.locator("#replay-timeline [data-selected=true]")
    assert selected.count() == 1
    assert selected.get_attribute("id") == "replay-camera-cam3"
    page.click("#replay-camera-cam1 text", modifiers=["Shift"])
    assert page.locator("#replay-timeline [data-selected=true]").count() == 2

    page.fill("#replay-start", "3")
    page.fill("#replay-end", "7.5")
    page.dispatch_event("#replay-end", "change")
    assert _window(page) == (3.0, 7.5)

    box = page.locator("#replay-timeline").bounding_box()
    svg_width = 150 + 650 + 10
    set_end = FOOTAGE_SECONDS  # cam1 covers the whole event from 0 s

    def px(t: float) -> float:
        return box["x"] + (150 + t / set_end * 650) / svg_width * box["width"]

    y = box["y"] + box["height"] * 0.4
    page.mouse.move(px(10.0), y)
    page.mouse.down()
    page.mouse.move(px(12.0), y, steps=5)
    page.mouse.move(px(14.0), y, steps=5)
    page.mouse.up()
    start, end = _window(page)
    assert start == pytest.approx(10.0, abs=0.3)
    assert end == pytest.approx(14.0, abs=0.3)
    assert page.locator("#replay-timeline [data-selected=true]").count() == 2

    page.wait_for_selector("#replay-highlight-1")
    moments = httpx.get(
        f"{url}/api/replay/sets/race/highlights?top=5",
        headers={"Authorization": f"Bearer {tokens['fan']}"},
    ).json()["highlights"]
    page.click("#replay-highlight-1")
    assert _window(page) == (moments[0]["start_s"], moments[0]["end_s"])
    chosen = page.locator("#replay-timeline [data-selected=true]")
    assert chosen.count() == 1
    assert chosen.get_attribute("id") == f"replay-camera-{moments[0]['best_camera']}"


def test_operator_sets_an_offset_by_hand(page: Any, server: tuple[str, dict[str, str]]) -> None:
    url, tokens = server
    page.goto(f"{url}/#login={tokens['operator']}")
    page.wait_for_selector("#who-name")
    page.goto(f"{url}/#/replay")
    page.wait_for_selector("#replay-camera-cam2")
    page.click("#replay-offsets summary")
    page.fill("#replay-offset-cam2", "1.5")
    page.dispatch_event("#replay-offset-cam2", "change")
    page.wait_for_selector("#toast.ok")
    page.wait_for_function(
        "document.querySelector('#replay-camera-cam2').textContent.includes('manual')"
    )
    got = httpx.get(
        f"{url}/api/replay/sets/race", headers={"Authorization": f"Bearer {tokens['fan']}"}
    ).json()
    assert next(c for c in got["cameras"] if c["name"] == "cam2")["offset_s"] == 1.5
