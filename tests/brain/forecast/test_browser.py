"""The forecast tab in headless Chromium: pick a detector and see its chart with a band."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hostcity.brain.forecast.adapters.model_store import models_dir
from hostcity.brain.forecast.training import TrainRequest, train_and_save
from hostcity.brain.forecast.types import Series
from hostcity.core.platform import Platform
from hostcity.core.settings import Settings
from tests.browser_harness import screenshot_page, serve_in_thread

pytestmark = [pytest.mark.browser]


@pytest.fixture
def server(
    settings: Settings,
    platform: Platform,
    tokens: dict[str, str],
    benchmark_files: tuple[Path, Path, Series],
) -> Iterator[tuple[str, dict[str, str]]]:
    """The app on a free port in a thread, with a model trained on the synthetic corridor."""
    data, graph, _ = benchmark_files
    request = TrainRequest(
        data=str(data), graph=str(graph), start="2026-02-02T00:00:00Z", max_epochs=2, threads=1
    )
    train_and_save(request, models_dir(settings))
    with serve_in_thread(settings, platform) as url:
        yield url, tokens


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A page of the shared headless Chromium; JavaScript errors fail the test."""
    with screenshot_page(browser, "brain-forecast.png", (1300, 1000)) as new_page:
        yield new_page


def test_open_a_detectors_forecast_chart(page: Any, server: tuple[str, dict[str, str]]) -> None:
    url, tokens = server
    page.goto(f"{url}/#login={tokens['operator']}")
    page.wait_for_selector("#who-name")
    page.goto(f"{url}/#/brain/forecast")
    page.wait_for_selector("#forecast-chart #forecast-line")
    options = page.locator("#forecast-detector option").all_inner_texts()
    assert options == ["0", "1", "2", "3", "4", "5"]
    page.select_option("#forecast-detector", "4")
    label = "document.querySelector('#forecast-chart').getAttribute('aria-label')"
    page.wait_for_function(f"{label}.includes('detector 4')")
    assert page.locator("#forecast-band").get_attribute("points")
    assert "detector 4" in page.locator("#forecast-summary").inner_text()
    page.select_option("#forecast-feature", "speed")
    page.wait_for_function(f"{label}.startsWith('speed')")
    assert page.locator("#forecast-congestion li").count() >= 1
