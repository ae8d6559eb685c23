"""Registers the twin feature on the platform: services, job kinds, workers, demo seeders."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import TYPE_CHECKING

from hostcity.brain.twin.sensor_feed import check_topic_filter, parse_broker_url
from hostcity.brain.twin.sensor_graph import SETTING as SENSOR_GRAPH
from hostcity.brain.twin.sensor_graph import SensorLink, read_sensor_graph
from hostcity.brain.twin.service import TwinService
from hostcity.brain.twin.types import TwinStatus
from hostcity.core.errors import ConfigError, InputError

if TYPE_CHECKING:
    from hostcity.core.platform import Platform

SERVICE = "brain.twin"


def register(platform: Platform) -> None:
    """Add the twin service, and the background twin when ``brain.twin_enabled`` is set."""
    brain = platform.settings.brain
    service = TwinService(platform.session_factory)
    service.sensor_links = city_sensor_graph(brain.sensor_graph)
    platform.services[SERVICE] = service
    platform.demo_seeders.append(_demo_lines)
    if brain.mqtt_url:
        _add_mqtt_feed(platform, service)
    if not brain.twin_enabled:
        return
    from hostcity.brain.twin.adapters.scenario import sumo_run_factory
    from hostcity.brain.twin.worker import TwinWorker

    service.status = TwinStatus(state="stopped", scenario=brain.scenario, speed=brain.twin_speed)
    platform.workers.append(
        TwinWorker(
            service,
            sumo_run_factory(platform.settings, hooks=service.run_hooks),
            scenario=brain.scenario,
            speed=brain.twin_speed,
            default_controller=brain.controller,
            store_every_s=brain.detector_interval_s,
        )
    )


def city_sensor_graph(path: Path | None) -> tuple[SensorLink, ...]:
    """The links of ``brain.sensor_graph`` (none when unset).

    Raises:
        ConfigError: when the file is missing or malformed, naming the setting.
    """
    if path is None:
        return ()
    try:
        return read_sensor_graph(path)
    except InputError as exc:
        raise ConfigError(
            f"{SENSOR_GRAPH}: {exc.message}",
            hint=f"fix the file, or unset {SENSOR_GRAPH}",
        ) from exc


def _add_mqtt_feed(platform: Platform, service: TwinService) -> None:
    """Subscribe to the sensors' broker while the server runs (``brain.mqtt_url``).

    Raises:
        ConfigError: naming a malformed broker URL, topic filter or group.
    """
    from hostcity.brain.twin.adapters.mqtt_feed import MqttSensorFeed

    brain = platform.settings.brain
    assert brain.mqtt_url is not None
    group = brain.mqtt_group or None
    if group is not None and any(char in group for char in "/+#"):
        raise ConfigError(
            f"brain.mqtt_group {group!r} must be one topic level (no '/', '+' or '#')",
            hint="set HOSTCITY_BRAIN__MQTT_GROUP to a plain name such as hostcity",
        )
    feed = MqttSensorFeed(
        service,
        parse_broker_url(brain.mqtt_url),
        check_topic_filter(brain.mqtt_topic),
        group=group,
        client_id=brain.mqtt_client_id or f"hostcity-{socket.gethostname()}",
    )
    service.feeds.append(feed.buffer)
    service.broker = feed
    platform.workers.append(feed)


def _demo_lines(platform: Platform) -> list[str]:
    brain = platform.settings.brain
    if brain.mqtt_url:
        address = parse_broker_url(brain.mqtt_url).display
        sensors = f"City Brain sensors: subscribed to {brain.mqtt_topic} on {address} (MQTT)"
    else:
        sensors = (
            "City Brain sensors: post readings to /api/brain/observations, or set "
            "HOSTCITY_BRAIN__MQTT_URL=mqtt://HOST:1883 to subscribe to a broker"
        )
    if not brain.twin_enabled:
        return ["City Brain twin: disabled (HOSTCITY_BRAIN__TWIN_ENABLED=false)", sensors]
    return [
        f"City Brain twin: scenario {brain.scenario!r} at {brain.twin_speed:g}x real time, "
        f"loops on every signalised approach, read every {brain.loop_read_s:g} s and stored "
        f"every {brain.detector_interval_s:g} s simulated (open the City Brain page)",
        sensors,
    ]
