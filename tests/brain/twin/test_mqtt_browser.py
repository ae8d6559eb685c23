"""The Live traffic tab's sensor-feed panel in headless Chromium, fed by a real MQTT broker."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from hostcity.core.platform import open_platform
from hostcity.core.settings import Settings
from tests.brain.twin.test_mqtt_feed import Publisher, minute
from tests.browser_harness import screenshot_page, serve_in_thread
from tests.conftest import role_tokens

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.mqtt]


def test_operator_sees_what_the_broker_brought(
    browser: Any, settings: Settings, mqtt_broker: str
) -> None:
    topic = f"hostcity-test/{uuid.uuid4().hex[:10]}"
    brain = settings.brain.model_copy(
        update={"mqtt_url": mqtt_broker, "mqtt_topic": f"{topic}/#", "mqtt_client_id": topic}
    )
    configured = settings.model_copy(update={"brain": brain})
    platform = open_platform(configured)
    tokens = role_tokens(platform)
    gateway = Publisher(mqtt_broker)
    try:
        with (
            serve_in_thread(configured, platform) as url,
            screenshot_page(browser, "brain-sensor-feeds.png", (1400, 900)) as page,
        ):
            page.goto(f"{url}/#login={tokens['operator']}")
            page.wait_for_selector("#who-name")
            page.goto(f"{url}/#/brain/live")
            page.wait_for_function(
                "document.getElementById('sensor-feeds')?.textContent.includes('MQTT connected')",
                timeout=15_000,
            )
            gateway.send(f"{topic}/gw1", [minute("loop-a", m) for m in range(3)])
            gateway.send(f"{topic}/gw2", b"not json")
            page.wait_for_function(
                "document.getElementById('sensor-feeds').textContent"
                ".includes('3 reading(s) stored, 1 refused')",
                timeout=15_000,
            )
            page.wait_for_function(  # the stream brings them to the readings panel at once
                "document.getElementById('observation-feed').textContent"
                ".includes('3 reading(s) from mqtt')",
                timeout=15_000,
            )
            assert "Twin disabled" in page.inner_text("#twin-status")
            text = page.inner_text("#sensor-feeds")
            assert f"$share/hostcity/{topic}/#" in text
            assert f"message on '{topic}/gw2': is not JSON" in text
            page.goto(f"{url}/#login={tokens['fan']}")
            page.reload()  # a new hash alone does not log in again
            page.wait_for_function(
                "document.getElementById('who-name')?.textContent.includes('fan')"
            )
            page.goto(f"{url}/#/brain/live")
            page.wait_for_selector("#twin-status")
            assert page.locator("#sensor-feeds-panel").count() == 0
    finally:
        gateway.close()
        platform.close()
