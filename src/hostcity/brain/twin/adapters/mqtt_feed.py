"""The MQTT sensor feed: subscribes to the city's broker and stores the readings sensors publish.

Sensor gateways publish NGSI-LD ``TrafficFlowObserved`` entities (one, or a JSON array) to a
topic under ``brain.mqtt_topic``; this worker subscribes with QoS 1 (at least once) in a
persistent session, validates each message on its own (``sensor_feed``), and stores the
readings in batches through ``TwinService.store_observations``, the path the HTTP API takes, so
they reach the store, the live map and live incident detection alike. paho-mqtt reconnects on
its own (with backoff) and the readings wait in memory while the database refuses them.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import SQLAlchemyError

from hostcity.brain.twin.sensor_feed import (
    SOURCE,
    BrokerAddress,
    SensorFeedBuffer,
    subscription,
)
from hostcity.brain.twin.service import PUSHED_PER_EVENT
from hostcity.brain.twin.types import Observation
from hostcity.core.errors import HostCityError
from hostcity.core.timeutil import utcnow

if TYPE_CHECKING:
    from hostcity.brain.twin.service import TwinService

log = logging.getLogger(__name__)

QOS = 1
KEEPALIVE_S = 30
FLUSH_S = 0.5
"""How often held readings are stored: at most this late on the map, in few transactions."""
RETRY_S = 5.0
"""How long to wait before storing again after the database refused a batch."""
STORE_BATCH = PUSHED_PER_EVENT
LOG_EVERY_S = 30.0
"""Refused messages are logged at most this often (the status counts every one)."""


class MqttSensorFeed:
    """A background worker holding one subscription to one broker."""

    name = "brain.twin.mqtt"

    def __init__(
        self,
        service: TwinService,
        broker: BrokerAddress,
        topic: str,
        *,
        group: str | None,
        client_id: str,
        flush_s: float = FLUSH_S,
    ) -> None:
        self.service = service
        self.broker = broker
        self.topic = topic
        self.filter = subscription(topic, group)
        self.client_id = client_id
        self.flush_s = flush_s
        self.buffer = SensorFeedBuffer(broker=broker.display, topic=self.filter)
        self._client: Any = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._logged_at = 0.0

    # BackgroundWorker -------------------------------------------------------------------------

    def start(self) -> None:
        """Connect in the background (retrying until the broker answers) and start storing."""
        from paho.mqtt.client import Client
        from paho.mqtt.enums import CallbackAPIVersion, MQTTProtocolVersion

        client = Client(
            CallbackAPIVersion.VERSION2,
            client_id=self.client_id,
            protocol=MQTTProtocolVersion.MQTTv311,
            clean_session=False,
        )
        if self.broker.username:
            client.username_pw_set(self.broker.username, self.broker.password)
        if self.broker.tls:
            client.tls_set()
        client.reconnect_delay_set(min_delay=1, max_delay=60)
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_subscribe = self._on_subscribe
        client.on_message = self._on_message
        client.on_connect_fail = self._on_connect_fail
        self._client = client
        self._stop.clear()
        client.connect_async(self.broker.host, self.broker.port, keepalive=KEEPALIVE_S)
        client.loop_start()
        self._thread = threading.Thread(target=self._store_loop, name=self.name, daemon=True)
        self._thread.start()
        log.info("MQTT sensor feed: subscribing to %s on %s", self.filter, self.broker.display)

    def stop(self) -> None:
        """Disconnect, then store what is still held."""
        self._stop.set()
        if self._client is not None:
            self._client.disconnect()
            self._client.loop_stop()
        if self._thread is not None:
            self._thread.join(timeout=10.0)
            self._thread = None
        self.buffer.set_state("stopped", utcnow())

    def publish(self, topic: str, payload: bytes) -> None:
        """Send ``payload`` on this connection with QoS 1 (CAP alerts, for one); paho holds it
        and sends it once the broker answers, so this never blocks."""
        if self._client is None:
            log.warning("MQTT: not started, so %d bytes for %s were not sent", len(payload), topic)
            return
        self._client.publish(topic, payload, qos=QOS)

    # paho callbacks (its network thread) -----------------------------------------------------

    def _on_connect(
        self, client: Any, _userdata: Any, _flags: Any, reason: Any, _props: Any
    ) -> None:
        if reason.is_failure:
            self.buffer.set_state("disconnected", utcnow(), f"the broker refused us: {reason}")
            log.warning(
                "MQTT sensor feed: %s refused the connection: %s", self.broker.display, reason
            )
            return
        client.subscribe(self.filter, qos=QOS)
        self.buffer.set_state("connected", utcnow())
        log.info("MQTT sensor feed: connected to %s", self.broker.display)

    def _on_subscribe(
        self, _client: Any, _userdata: Any, _mid: Any, reasons: list[Any], _props: Any
    ) -> None:
        refused = [reason for reason in reasons if reason.is_failure]
        if refused:
            problem = f"the broker refused the subscription to {self.filter}: {refused[0]}"
            self.buffer.set_state("disconnected", utcnow(), problem)
            log.warning("MQTT sensor feed: %s", problem)

    def _on_disconnect(
        self, _client: Any, _userdata: Any, _flags: Any, reason: Any, _props: Any
    ) -> None:
        if self._stop.is_set():
            return
        self.buffer.set_state("disconnected", utcnow(), f"lost the broker: {reason}; retrying")
        log.warning("MQTT sensor feed: lost %s (%s); retrying", self.broker.display, reason)

    def _on_connect_fail(self, _client: Any, _userdata: Any) -> None:
        problem = f"cannot reach the broker at {self.broker.display}; retrying"
        self.buffer.set_state("disconnected", utcnow(), problem)
        self._log_rarely(problem)

    def _on_message(self, _client: Any, _userdata: Any, message: Any) -> None:
        self.buffer.receive(message.topic, bytes(message.payload), utcnow())

    # storing (the feed's own thread) ---------------------------------------------------------

    def _store_loop(self) -> None:
        while not self._stop.wait(self.flush_s):
            self.flush()
        self.flush()

    def flush(self) -> int:
        """Store every held reading now; returns how many were stored."""
        stored = 0
        rejected = self.buffer.status.rejected
        while batch := self._take(rejected):
            try:
                result = self.service.store_observations(batch, source=SOURCE)
            except HostCityError as exc:  # the database is away or full: keep them, retry
                self.buffer.put_back(batch, str(exc), utcnow())
                self._log_rarely(f"could not store {len(batch)} readings: {exc}; retrying")
                self._stop.wait(RETRY_S)
                return stored
            except SQLAlchemyError as exc:  # the readings themselves: no retry can store them
                self.buffer.give_up(len(batch), f"the database refused them: {exc}", utcnow())
                log.warning(
                    "MQTT sensor feed: gave up %d readings the database refused: %s",
                    len(batch),
                    exc,
                )
                continue
            self.buffer.stored(result.stored)
            stored += result.stored
            time.sleep(0)  # let the broker's thread acknowledge what came meanwhile
        return stored

    def _take(self, rejected_before: int) -> list[Observation]:
        batch = self.buffer.take(STORE_BATCH)
        status = self.buffer.status
        if status.rejected > rejected_before:
            self._log_rarely(f"refused {status.problem} ({status.rejected} refused so far)")
        return batch

    def _log_rarely(self, message: str) -> None:
        now = time.monotonic()
        if now - self._logged_at >= LOG_EVERY_S:
            self._logged_at = now
            log.warning("MQTT sensor feed: %s", message)
