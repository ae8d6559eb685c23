"""The MQTT sensor feed against a real broker (Mosquitto), and its failure paths."""

from __future__ import annotations

import json
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from paho.mqtt.client import Client
from paho.mqtt.enums import CallbackAPIVersion

from hostcity.api.app import create_app
from hostcity.brain.twin.adapters.mqtt_feed import MqttSensorFeed
from hostcity.brain.twin.sensor_feed import parse_broker_url
from hostcity.brain.twin.service import PUSHED_PER_EVENT, IngestResult, TwinService
from hostcity.brain.twin.setup import SERVICE
from hostcity.brain.twin.types import Observation
from hostcity.core.db import session_scope
from hostcity.core.errors import ConfigError, StorageError
from hostcity.core.platform import Platform, open_platform
from hostcity.core.settings import Settings
from hostcity.core.timeutil import utcnow
from tests.brain.twin.entities import entity
from tests.conftest import auth, role_tokens

TIMEOUT_S = 10.0


def wait_until(check: Callable[[], bool], what: str, timeout_s: float = TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    pytest.fail(f"timed out waiting until {what}")


def minute(detector: str, m: int) -> dict[str, Any]:
    return entity(
        detector,
        dateObservedFrom=f"2026-02-10T{8 + m // 60:02d}:{m % 60:02d}:00Z",
        dateObservedTo=f"2026-02-10T{8 + (m + 1) // 60:02d}:{(m + 1) % 60:02d}:00Z",
    )


class Publisher:
    """A sensor gateway publishing with QoS 1."""

    def __init__(self, url: str) -> None:
        broker = parse_broker_url(url)
        self.client = Client(CallbackAPIVersion.VERSION2, client_id=f"gw-{uuid.uuid4().hex[:8]}")
        self.client.connect(broker.host, broker.port)
        self.client.loop_start()

    def send(self, topic: str, payload: bytes | object) -> None:
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.client.publish(topic, data, qos=1).wait_for_publish(TIMEOUT_S)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


@pytest.fixture
def topic() -> str:
    """A topic of this test's own, so queued messages of other runs never reach it."""
    return f"hostcity-test/{uuid.uuid4().hex[:10]}"


@pytest.fixture
def publisher(mqtt_broker: str) -> Iterator[Publisher]:
    gateway = Publisher(mqtt_broker)
    yield gateway
    gateway.close()


def start_feed(
    service: TwinService, url: str, topic: str, *, client_id: str, group: str | None = None
) -> MqttSensorFeed:
    feed = MqttSensorFeed(
        service,
        parse_broker_url(url),
        f"{topic}/#",
        group=group,
        client_id=client_id,
        flush_s=0.05,
    )
    feed.start()
    wait_until(lambda: feed.buffer.status.state == "connected", "the feed connected")
    time.sleep(0.2)  # the subscription is acknowledged after the connection
    return feed


def twin(platform: Platform) -> TwinService:
    service: TwinService = platform.service(SERVICE)
    return service


@pytest.mark.mqtt
def test_published_readings_reach_the_store_and_live_listeners(
    platform: Platform, mqtt_broker: str, publisher: Publisher, topic: str
) -> None:
    service = twin(platform)
    listener = service.hub.subscribe()
    feed = start_feed(service, mqtt_broker, topic, client_id=f"hc-{topic}")
    try:
        publisher.send(f"{topic}/gw1", minute("loop-a", 0))
        publisher.send(f"{topic}/gw2", [minute("loop-b", m) for m in range(3)])
        publisher.send(f"{topic}/gw2", b"{oops")
        publisher.send(f"{topic}/gw1", [minute("loop-a", 0), minute("loop-a", 1)])
        wait_until(lambda: feed.buffer.status.messages == 4, "four messages arrived")
        wait_until(lambda: feed.buffer.status.stored == 5, "five readings were stored")
    finally:
        feed.stop()
    status = feed.buffer.status
    assert (status.rejected, status.duplicates, status.pending, status.state) == (
        1,
        1,
        0,
        "stopped",
    )
    assert status.problem is not None and f"{topic}/gw2" in status.problem
    stored = service.recent(limit=10)
    assert sorted((o.detector_id, o.observed_from.minute) for o in stored) == [
        ("loop-a", 0),
        ("loop-a", 1),
        ("loop-b", 0),
        ("loop-b", 1),
        ("loop-b", 2),
    ]
    assert {o.source for o in stored} == {"mqtt"}
    pushed = []
    while (event := listener.get(0)) is not None:
        if event.kind == "observations":
            assert event.data["source"] == "mqtt"
            pushed += event.data["observations"]
    listener.close()
    assert len(pushed) == 5  # live incident detection reads these events


@pytest.mark.mqtt
def test_readings_published_while_the_server_is_away_arrive_when_it_is_back(
    platform: Platform, mqtt_broker: str, publisher: Publisher, topic: str
) -> None:
    service = twin(platform)
    client_id = f"hc-{topic}"
    feed = start_feed(service, mqtt_broker, topic, client_id=client_id)
    feed.stop()
    publisher.send(f"{topic}/gw1", [minute("loop-a", m) for m in range(4)])
    again = start_feed(service, mqtt_broker, topic, client_id=client_id)
    try:
        wait_until(lambda: again.buffer.status.stored == 4, "the queued readings were stored")
    finally:
        again.stop()


@pytest.mark.mqtt
def test_two_servers_in_one_group_store_each_reading_once(
    platform: Platform, mqtt_broker: str, publisher: Publisher, topic: str
) -> None:
    service = twin(platform)
    feeds = [
        start_feed(service, mqtt_broker, topic, client_id=f"hc-{topic}-{n}", group=f"g{topic[-6:]}")
        for n in (1, 2)
    ]
    try:
        for m in range(20):
            publisher.send(f"{topic}/gw", minute("loop-a", m))
        wait_until(
            lambda: sum(f.buffer.status.stored for f in feeds) == 20, "20 readings were stored"
        )
        time.sleep(0.3)
    finally:
        for feed in feeds:
            feed.stop()
    assert len(service.recent(limit=100)) == 20
    assert all(f.buffer.status.stored > 0 for f in feeds)  # the broker split the stream


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_an_unreachable_broker_is_reported_and_retried(platform: Platform) -> None:
    feed = MqttSensorFeed(
        twin(platform),
        parse_broker_url(f"mqtt://127.0.0.1:{closed_port()}"),
        "t/#",
        group="hostcity",
        client_id="hc-unreachable",
    )
    started = time.monotonic()
    feed.start()
    assert time.monotonic() - started < 1.0  # the server does not wait for the broker
    try:
        wait_until(lambda: feed.buffer.status.state == "disconnected", "the feed said so")
        assert "cannot reach the broker at mqtt://127.0.0.1:" in str(feed.buffer.status.problem)
    finally:
        feed.stop()
    assert feed.buffer.status.state == "stopped"


class FailingOnce(TwinService):
    """A store whose disk is full for the first write."""

    failures = 1

    def store_observations(self, observations: list[Observation], *, source: str) -> IngestResult:
        if self.failures:
            self.failures -= 1
            raise StorageError("the database refused a write: database or disk is full")
        return super().store_observations(observations, source=source)


def test_readings_wait_while_the_database_refuses_them(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("hostcity.brain.twin.adapters.mqtt_feed.RETRY_S", 0.0)
    service = FailingOnce(platform.session_factory)
    feed = MqttSensorFeed(
        service, parse_broker_url("mqtt://127.0.0.1"), "t/#", group=None, client_id="x"
    )
    payload = json.dumps([minute("loop-a", m) for m in range(3)]).encode()
    feed.buffer.accept("t/gw", payload, utcnow())
    assert feed.flush() == 0
    assert feed.buffer.status.pending == 3
    assert "database or disk is full" in str(feed.buffer.status.problem)
    assert feed.flush() == 3
    assert len(service.recent(limit=10)) == 3


def test_large_batches_are_pushed_whole_to_live_listeners(platform: Platform) -> None:
    service = twin(platform)
    listener = service.hub.subscribe()
    count = PUSHED_PER_EVENT * 2 + 7
    service.ingest([minute(f"loop-{n % 50}", n // 50) for n in range(count)], source="api")
    pushed = 0
    while (event := listener.get(0)) is not None:
        if event.kind == "observations":
            pushed += len(event.data["observations"])
    listener.close()
    assert pushed == count


def test_operators_see_the_feeds(settings: Settings) -> None:
    configured = settings.model_copy(
        update={
            "brain": settings.brain.model_copy(
                update={"mqtt_url": f"mqtt://gw:s3cret@127.0.0.1:{closed_port()}"}
            )
        }
    )
    opened = open_platform(configured)
    try:
        made = role_tokens(opened)
        operator, fan = made["operator"], made["fan"]
        with TestClient(create_app(configured, platform=opened)) as client:
            assert client.get("/api/brain/feeds", headers=auth(fan)).status_code == 403
            wait_until(
                lambda: (
                    client.get("/api/brain/feeds", headers=auth(operator)).json()["feeds"][0][
                        "state"
                    ]
                    == "disconnected"
                ),
                "the feed reported the broker unreachable",
            )
            body = client.get("/api/brain/feeds", headers=auth(operator)).text
    finally:
        opened.close()
    feed = json.loads(body)["feeds"][0]
    assert feed["broker"].startswith("mqtt://gw@127.0.0.1:") and "s3cret" not in body
    assert feed["topic"] == "$share/hostcity/hostcity/traffic/#"


def test_without_a_broker_there_is_no_feed(client: TestClient, tokens: dict[str, str]) -> None:
    answer = client.get("/api/brain/feeds", headers=auth(tokens["operator"]))
    assert answer.status_code == 200 and answer.json() == {"feeds": []}


def with_broker(settings: Settings, url: str, **changes: object) -> Settings:
    brain = settings.brain.model_copy(update={"mqtt_url": url, **changes})
    return settings.model_copy(update={"brain": brain})


@pytest.mark.mqtt
def test_new_incidents_are_published_as_cap_alerts(
    settings: Settings, mqtt_broker: str, topic: str
) -> None:
    configured = with_broker(
        settings,
        mqtt_broker,
        mqtt_topic=f"{topic}/sensors/#",
        mqtt_alert_topic=f"{topic}/alerts/",
        mqtt_client_id=f"hc-{topic}",
    )
    opened = open_platform(configured)
    received: list[tuple[str, bytes]] = []
    listener = Client(CallbackAPIVersion.VERSION2, client_id=f"board-{topic[-8:]}")
    broker = parse_broker_url(mqtt_broker)
    listener.on_message = lambda _c, _u, m: received.append((m.topic, bytes(m.payload)))
    listener.connect(broker.host, broker.port)
    listener.subscribe(f"{topic}/alerts/#", qos=1)
    listener.loop_start()
    try:
        opened.start_workers()
        wait_until(lambda: twin(opened).feeds[0].status.state == "connected", "connected")
        incidents = opened.service("brain.incidents")
        with session_scope(opened.session_factory) as session:
            view = incidents.report(session, {"edge_id": "main-st", "severity": "severe"})
        wait_until(lambda: bool(received), "the alert arrived")
    finally:
        listener.loop_stop()
        listener.disconnect()
        opened.close()
    [(alert_topic, body)] = received
    assert alert_topic == f"{topic}/alerts/{view.id}"
    assert body.startswith(b"<?xml") and b"urn:oasis:names:tc:emergency:cap:1.2" in body
    assert b"<status>Actual</status>" in body and b"main-st" in body


def test_a_wildcard_alert_topic_is_refused(settings: Settings) -> None:
    configured = with_broker(settings, "mqtt://127.0.0.1", mqtt_alert_topic="city/+/cap")
    with pytest.raises(ConfigError, match="cannot publish alerts under 'city/\\+/cap'"):
        open_platform(configured).close()


def test_alerts_go_to_the_broker_only_when_there_is_one(settings: Settings) -> None:
    for url, sinks in ((None, 0), ("mqtt://127.0.0.1", 1)):
        opened = open_platform(with_broker(settings, url) if url else settings)
        try:
            assert len(opened.service("brain.incidents").alert_sinks) == sinks
        finally:
            opened.close()
    off = open_platform(with_broker(settings, "mqtt://127.0.0.1", mqtt_alert_topic=""))
    try:
        assert off.service("brain.incidents").alert_sinks == []
    finally:
        off.close()
