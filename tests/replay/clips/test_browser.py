"""The Replay Studio page in headless Chromium: pick a window, render a clip, preview, download."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hostcity.core.platform import Platform
from hostcity.core.settings import Settings
from hostcity.replay.types import CameraSet
from tests.browser_harness import screenshot_page, serve_in_thread
from tests.replay.clips.media import inspect_clip

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def server(
    settings: Settings, platform: Platform, tokens: dict[str, str], camera_set: CameraSet
) -> Iterator[tuple[str, dict[str, str]]]:
    """The app on a free port in a thread, with one synthetic camera imported as set 'solo'."""
    from hostcity.replay.recordings import importing, service

    request = importing.ImportRequest(name="solo", files=[camera_set.cameras[0].path], sync="none")
    service.import_set(platform.session_factory, settings.media_dir, request)
    with serve_in_thread(settings, platform) as url:
        yield url, tokens


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A page of the shared headless Chromium; JavaScript errors fail the test."""
    with screenshot_page(browser, "replay-clips.png", (1400, 1000)) as new_page:
        yield new_page


def test_render_preview_and_download_a_clip(
    page: Any, server: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    url, tokens = server
    page.goto(f"{url}/#login={tokens['fan']}")
    page.wait_for_selector("#who-name")
    page.goto(f"{url}/#/replay")
    page.wait_for_selector("#clip-render:not([disabled])")
    page.fill("#replay-start", "1")
    page.fill("#replay-end", "2.5")
    page.dispatch_event("#replay-end", "change")
    page.wait_for_function("document.querySelector('#clip-selection').textContent.includes('1.00')")
    page.select_option("#clip-format", "square")
    page.fill("#clip-title", "Heat 2")
    page.dispatch_event("#clip-title", "change")
    assert page.locator("#clip-plan rect").count() == 2  # title card, then the action
    page.click("#clip-render")
    page.wait_for_selector("#clip-download:not([hidden])", timeout=120_000)
    assert page.get_attribute("#clip-progress", "aria-valuenow") == "100"
    duration = page.evaluate(
        """() => new Promise((resolve) => {
            const video = document.querySelector('#clip-preview');
            if (video.readyState >= 1) resolve(video.duration);
            else video.addEventListener('loadedmetadata', () => resolve(video.duration));
        })"""
    )
    assert duration == pytest.approx(3.5, abs=0.05)  # 2 s title + 1.5 s window
    with page.expect_download() as info:
        page.click("#clip-download")
    saved = tmp_path / "downloaded.mp4"
    info.value.save_as(saved)
    facts = inspect_clip(saved)
    assert (facts.width, facts.height, facts.frames) == (1080, 1080, 88)
