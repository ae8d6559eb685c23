"""The forecast tab in headless Chromium: pick a detector and see its chart with a band."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hostcity.brain.forecast.adapters.model_store import models_dir
from hostcity.brain.forecast.errors import ForecastPreparingError
from hostcity.brain.forecast.service import ForecastService
from hostcity.brain.forecast.setup import SERVICE
from hostcity.brain.forecast.training import TrainRequest, train_and_save
from hostcity.brain.forecast.types import Series
from hostcity.core.platform import Platform
from hostcity.core.settings import Settings
from tests.brain.forecast.conftest import make_only_possible
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
    assert "band held" in page.inner_text("#forecast-model")  # how far to trust the band
    page.select_option("#forecast-feature", "speed")
    page.wait_for_function(f"{label}.startsWith('speed')")
    assert page.locator("#forecast-congestion li").count() >= 1


def _open_live_map(page: Any, url: str, token: str) -> None:
    """Log in with ``token`` and open the live map with the synthetic twin's roads drawn."""
    page.goto(f"{url}/#login={token}")
    page.wait_for_selector("#who-name")
    page.goto(f"{url}/#/brain/live")
    page.wait_for_selector("#brain-map polyline[data-edge='e0']", state="attached")


@pytest.fixture
def congestion_server(
    settings: Settings, platform: Platform, tokens: dict[str, str], rush_hour_model: Path
) -> Iterator[tuple[str, dict[str, str]]]:
    """The app with the rush-hour model and detectors 0-4 on the twin's map."""
    with serve_in_thread(settings, platform) as url:
        yield url, tokens


def test_congestion_layer_on_the_live_map(
    browser: Any, congestion_server: tuple[str, dict[str, str]]
) -> None:
    url, tokens = congestion_server
    with screenshot_page(browser, "brain-congestion-layer.png", (1400, 900)) as page:
        _open_live_map(page, url, tokens["fan"])
        assert page.get_attribute("#congestion-controls", "data-state") == "off"
        assert page.locator("#congestion-legend").is_hidden()
        assert page.locator("#congestion-layer").count() == 0

        page.check("#congestion-toggle")
        page.wait_for_selector("#congestion-controls[data-state='on']")
        assert page.locator("#congestion-legend").is_visible()
        legend = page.inner_text("#congestion-legend")
        for label in ("≤ 15 min", "15\u201330 min", "30\u201360 min"):
            assert label in legend
        assert "6 of 6 detector(s) expect congestion" in page.inner_text("#congestion-state")
        markers = page.locator("#congestion-layer circle.congestion-marker")
        assert markers.count() == 5  # detector 5 has no place on the map
        assert page.locator("#congestion-layer polyline.congestion-edge").count() == 5
        marker = page.locator("#congestion-layer circle[data-detector='2']")
        assert marker.get_attribute("cx") == "200"
        assert marker.get_attribute("cy") == "-70"
        minutes = marker.get_attribute("data-minutes")
        title = marker.locator("title").text_content() or ""
        assert title.startswith(f"congestion expected in {minutes} min")
        assert marker.get_attribute("fill") == "#ff5d5d"  # within 15 minutes

        page.uncheck("#congestion-toggle")
        page.wait_for_selector("#congestion-controls[data-state='off']")
        assert page.locator("#congestion-layer").count() == 0
        assert page.locator("#congestion-legend").is_hidden()

        # a marker opens its detector's forecast chart
        page.check("#congestion-toggle")
        page.locator("#congestion-layer circle[data-detector='2']").dispatch_event("click")
        page.wait_for_selector("#forecast-chart #forecast-line", state="attached")
        assert page.input_value("#forecast-detector") == "2"


def test_layer_and_tab_say_forecasts_are_being_prepared_then_show_them(
    browser: Any, congestion_server: tuple[str, dict[str, str]], platform: Platform
) -> None:
    url, tokens = congestion_server
    service: ForecastService = platform.service(SERVICE)
    models = service.models_root
    hidden = models.with_name("hidden-models")
    models.rename(hidden)  # no model yet, as at the demo's first start
    percent = [40]

    def preparing() -> None:
        raise ForecastPreparingError(
            f"forecasts are being prepared: {percent[0]}% (recording detector history: day 1/2)"
        )

    service.preparation = preparing
    with screenshot_page(browser, "brain-forecast-preparing.png", (1400, 900)) as page:
        _open_live_map(page, url, tokens["fan"])
        page.check("#congestion-toggle")
        page.wait_for_selector("#congestion-controls[data-state='preparing']")
        state = page.locator("#congestion-state")
        assert state.inner_text() == (
            "forecasts are being prepared: 40% (recording detector history: day 1/2)"
        )
        assert state.get_attribute("class") == "muted"  # not shown as an error
        percent[0] = 55  # the layer asks again within seconds
        page.wait_for_function(
            "document.getElementById('congestion-state').textContent.includes('55%')"
        )

        page.goto(f"{url}/#/brain/forecast")
        empty = page.wait_for_selector("#forecast-empty[data-state='preparing']")
        assert empty.inner_text().startswith("forecasts are being prepared: 55%")
        assert page.get_attribute("#forecast-empty progress", "value") == "55"
        assert not page.is_visible("#forecast-detector")  # no empty pickers while preparing
        assert not page.is_visible("#forecast-congestion-section")

        hidden.rename(models)  # the job saved its model
        page.wait_for_selector("#forecast-chart #forecast-line", timeout=15_000)
        assert page.locator("#forecast-detector option").count() == 6
        assert page.is_visible("#forecast-detector")
        assert page.is_visible("#forecast-congestion-section")

        page.goto(f"{url}/#/brain/live")
        page.wait_for_selector("#brain-map polyline[data-edge='e0']", state="attached")
        page.check("#congestion-toggle")
        page.wait_for_selector("#congestion-controls[data-state='on']")
        assert page.locator("#congestion-layer circle.congestion-marker").count() == 5


def test_possible_congestion_is_a_dashed_ring_on_the_map(
    browser: Any, platform: Platform, congestion_server: tuple[str, dict[str, str]]
) -> None:
    url, tokens = congestion_server
    make_only_possible(platform.service(SERVICE), "3")
    with screenshot_page(browser, "brain-congestion-possible.png", (1400, 900)) as page:
        _open_live_map(page, url, tokens["fan"])
        page.check("#congestion-toggle")
        page.wait_for_selector("#congestion-controls[data-state='on']")
        assert "5 of 6 detector(s) expect congestion within 60 min (1 more possible)" in (
            page.inner_text("#congestion-state")
        )
        ring = page.locator("#congestion-layer circle.congestion-possible")
        assert ring.count() == 0  # possibilities are shown on request
        assert "4 on this map" in page.inner_text("#congestion-state")
        page.check("#congestion-possible-toggle")
        page.wait_for_selector("#congestion-layer circle.congestion-possible")
        assert "5 on this map" in page.inner_text("#congestion-state")
        assert ring.count() == 1
        assert ring.get_attribute("data-detector") == "3"
        assert ring.get_attribute("fill") == "none"
        title = ring.locator("title").text_content() or ""
        assert title.startswith(f"congestion possible in {ring.get_attribute('data-minutes')} min")
        # no road highlight for a possibility: the four expected ones on the map keep theirs
        assert page.locator("#congestion-layer polyline.congestion-edge").count() == 4
