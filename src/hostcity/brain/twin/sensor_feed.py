"""Readings that arrive as broker messages (MQTT): validated one message at a time, held until
stored, redeliveries dropped, and a status the operations centre can read.

The broker adapter (``adapters/mqtt_feed.py``) hands each message's topic and bytes to
``SensorFeedBuffer.accept`` and stores what ``take`` returns; nothing here talks to a broker or a
database, so it reads and tests alone.
"""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from urllib.parse import unquote, urlsplit

from hostcity.brain.twin.ngsi import parse_batch
from hostcity.brain.twin.types import Observation
from hostcity.core.errors import ConfigError, InputError

SOURCE = "mqtt"
MAX_MESSAGE_BYTES = 1_000_000
"""A larger message is refused unread: a sensor gateway sends a few readings at a time."""
MAX_PENDING = 100_000
"""Readings held while the database refuses them; beyond this the oldest are given up (and
counted), so a long outage cannot exhaust the server's memory."""
REMEMBERED_KEYS = 50_000
"""Readings remembered to drop a broker's redelivery (QoS 1 delivers at least once)."""
MAX_PROBLEM_CHARS = 300
DEFAULT_PORTS = {"mqtt": 1883, "mqtts": 8883}
YIELD_EVERY = 20
"""Messages checked between two yields of the interpreter to the broker's network thread:
without them that thread waits for the lock of the interpreter while this one works, its
acknowledgements lag, and the broker drops what it cannot queue (Mosquitto: 1,000 messages)."""


@dataclass(frozen=True)
class BrokerAddress:
    """Where the feed subscribes, from ``brain.mqtt_url`` (``mqtt://user:password@host:1883``)."""

    host: str
    port: int
    tls: bool
    username: str | None = None
    password: str | None = None

    @property
    def display(self) -> str:
        """The address without its password, for logs, status and the UI."""
        scheme = "mqtts" if self.tls else "mqtt"
        user = f"{self.username}@" if self.username else ""
        return f"{scheme}://{user}{self.host}:{self.port}"


def parse_broker_url(url: str) -> BrokerAddress:
    """Read an ``mqtt://`` or ``mqtts://`` URL.

    Raises:
        ConfigError: naming what is wrong with it (the password is never repeated).
    """
    hint = "set HOSTCITY_BRAIN__MQTT_URL like mqtt://host:1883 or mqtts://user:password@host:8883"
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise ConfigError(f"the MQTT broker URL is malformed: {exc}", hint=hint) from None
    if parts.scheme not in DEFAULT_PORTS:
        raise ConfigError(
            f"the MQTT broker URL must start with mqtt:// or mqtts://, not {parts.scheme or '(none)'}://",
            hint=hint,
        )
    if not parts.hostname:
        raise ConfigError("the MQTT broker URL names no host", hint=hint)
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ConfigError("the MQTT broker URL must not have a path or query", hint=hint)
    return BrokerAddress(
        host=parts.hostname,
        port=port or DEFAULT_PORTS[parts.scheme],
        tls=parts.scheme == "mqtts",
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


def check_topic_filter(topic: str) -> str:
    """An MQTT topic filter, checked as brokers check it (``+`` and ``#`` whole levels only).

    Raises:
        ConfigError: naming the wrong level.
    """
    hint = "set HOSTCITY_BRAIN__MQTT_TOPIC like hostcity/traffic/# or city/+/loops"
    if not topic or len(topic.encode()) > 65_535 or "\x00" in topic:
        raise ConfigError("the MQTT topic filter is empty or not a valid topic", hint=hint)
    if topic.startswith("$share/"):
        raise ConfigError(
            "give the MQTT topic without $share/: "
            "HOSTCITY_BRAIN__MQTT_GROUP sets the shared subscription",
            hint=hint,
        )
    levels = topic.split("/")
    for index, level in enumerate(levels):
        if "#" in level and (level != "#" or index != len(levels) - 1):
            raise ConfigError(
                f"'#' must be a whole level and the last one, not {level!r} in {topic!r}",
                hint=hint,
            )
        if "+" in level and level != "+":
            raise ConfigError(f"'+' must be a whole level, not {level!r} in {topic!r}", hint=hint)
    return topic


def check_publish_topic(topic: str) -> str:
    """A topic to publish under: no wildcards, not empty.

    Raises:
        ConfigError: naming the topic.
    """
    if not topic or "+" in topic or "#" in topic or "\x00" in topic or topic.startswith("$"):
        raise ConfigError(
            f"cannot publish alerts under {topic!r}: a topic without '+', '#' or a leading '$'",
            hint="set HOSTCITY_BRAIN__MQTT_ALERT_TOPIC like hostcity/alerts/cap",
        )
    return topic


def subscription(topic: str, group: str | None) -> str:
    """The filter to subscribe to: shared (``$share/GROUP/...``) when ``group`` is given, so
    that several HostCity servers split one stream instead of each storing all of it."""
    return f"$share/{group}/{topic}" if group else topic


@dataclass(frozen=True)
class FeedStatus:
    """What the operations centre sees of a feed."""

    broker: str
    topic: str
    state: str = "starting"
    """'starting', 'connected', 'disconnected' (retrying) or 'stopped'."""
    since: datetime | None = None
    messages: int = 0
    stored: int = 0
    rejected: int = 0
    duplicates: int = 0
    given_up: int = 0
    pending: int = 0
    last_message_at: datetime | None = None
    problem: str | None = None
    """The last thing that went wrong: a refused message, the broker, or the database."""
    problem_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        stamp = {"since", "last_message_at", "problem_at"}
        return {
            key: (value.isoformat() if key in stamp and value is not None else value)
            for key, value in self.__dict__.items()
        } | {"kind": "mqtt", "source": SOURCE}


def _key(observation: Observation) -> tuple[str, datetime, datetime]:
    return (observation.detector_id, observation.observed_from, observation.observed_to)


@dataclass
class SensorFeedBuffer:
    """Messages and readings waiting to be stored, with the feed's counters. Thread-safe: the
    broker's network thread hands messages over (``receive``) while the storing thread checks
    and takes them (``take``).

    Each message is validated on its own, so one bad sensor does not cost the others their
    readings; a message with any bad entity is refused whole, like an HTTP batch.
    """

    broker: str
    topic: str
    max_pending: int = MAX_PENDING
    remembered: int = REMEMBERED_KEYS
    _status: FeedStatus = field(init=False)
    _pending: list[Observation] = field(init=False, default_factory=list)
    _inbox: deque[tuple[str, bytes, datetime]] = field(init=False, default_factory=deque)
    _seen: OrderedDict[tuple[str, datetime, datetime], None] = field(
        init=False, default_factory=OrderedDict
    )
    _lock: threading.Lock = field(init=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._status = FeedStatus(broker=self.broker, topic=self.topic)

    @property
    def status(self) -> FeedStatus:
        """The counters now."""
        with self._lock:
            return replace(self._status, pending=len(self._pending) + len(self._inbox))

    def receive(self, topic: str, payload: bytes, now: datetime) -> None:
        """Hold one message as it came, to be checked by ``take``.

        The broker's network thread calls this and must return at once: it acknowledges the
        message on return, and the broker sends the next ones only then. A slow consumer makes
        the broker queue, and then drop, what the sensors publish.
        """
        with self._lock:
            if len(self._inbox) >= self.max_pending:
                self._inbox.popleft()
                self._status = replace(self._status, given_up=self._status.given_up + 1)
            self._inbox.append((topic, payload, now))

    def set_state(self, state: str, now: datetime, problem: str | None = None) -> None:
        """Note the broker connection's state (and why, when it dropped)."""
        with self._lock:
            changes: dict[str, Any] = {"state": state, "since": now}
            if problem is not None:
                changes |= {"problem": problem[:MAX_PROBLEM_CHARS], "problem_at": now}
            self._status = replace(self._status, **changes)

    def accept(self, topic: str, payload: bytes, now: datetime) -> int:
        """Validate one message and hold its new readings; returns how many it added.

        A refused message is counted and named in ``status.problem`` with its topic; nothing
        is raised, since the broker's thread must go on.
        """
        with self._lock:
            self._status = replace(
                self._status, messages=self._status.messages + 1, last_message_at=now
            )
        try:
            observations = decode_message(payload)
        except InputError as exc:
            self._refuse(f"message on {topic!r}: {exc}", now)
            return 0
        with self._lock:
            fresh = [o for o in observations if _key(o) not in self._seen]
            for observation in fresh:
                self._seen[_key(observation)] = None
            while len(self._seen) > self.remembered:
                self._seen.popitem(last=False)
            self._pending.extend(fresh)
            overflow = len(self._pending) - self.max_pending
            if overflow > 0:
                del self._pending[:overflow]
            self._status = replace(
                self._status,
                duplicates=self._status.duplicates + len(observations) - len(fresh),
                given_up=self._status.given_up + max(overflow, 0),
            )
        return len(fresh)

    def take(self, limit: int) -> list[Observation]:
        """Up to ``limit`` held readings, oldest first, to store now (after checking the
        messages ``receive`` held)."""
        checked = 0
        while True:
            with self._lock:
                if not self._inbox or len(self._pending) >= limit:
                    break
                topic, payload, at = self._inbox.popleft()
            self.accept(topic, payload, at)
            checked += 1
            if checked % YIELD_EVERY == 0:
                time.sleep(0)  # let the broker's thread read and acknowledge the next ones
        with self._lock:
            batch = self._pending[:limit]
            del self._pending[:limit]
            return batch

    def stored(self, count: int) -> None:
        """Count readings the database took."""
        with self._lock:
            self._status = replace(self._status, stored=self._status.stored + count)

    def put_back(self, batch: list[Observation], problem: str, now: datetime) -> None:
        """Hold a batch the database refused again, in front, to retry it."""
        with self._lock:
            self._pending[:0] = batch
            overflow = len(self._pending) - self.max_pending
            if overflow > 0:
                del self._pending[:overflow]
            self._status = replace(
                self._status,
                problem=f"storing readings: {problem}"[:MAX_PROBLEM_CHARS],
                problem_at=now,
                given_up=self._status.given_up + max(overflow, 0),
            )

    def give_up(self, count: int, problem: str, now: datetime) -> None:
        """Count readings that can never be stored (the database refuses them as they are)."""
        with self._lock:
            self._status = replace(
                self._status,
                given_up=self._status.given_up + count,
                problem=f"gave up {count} readings: {problem}"[:MAX_PROBLEM_CHARS],
                problem_at=now,
            )

    def _refuse(self, problem: str, now: datetime) -> None:
        with self._lock:
            self._status = replace(
                self._status,
                rejected=self._status.rejected + 1,
                problem=problem[:MAX_PROBLEM_CHARS],
                problem_at=now,
            )


def decode_message(payload: bytes) -> list[Observation]:
    """The readings of one message: a UTF-8 JSON NGSI-LD ``TrafficFlowObserved`` entity or an
    array of them, as the HTTP API takes them.

    Raises:
        InputError: naming what is wrong (size, encoding, JSON, or the entity and field).
    """
    if len(payload) > MAX_MESSAGE_BYTES:
        raise InputError(
            f"{len(payload):,} bytes, more than {MAX_MESSAGE_BYTES:,}",
            hint="publish a few readings per message",
        )
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("is not UTF-8 text", hint="publish JSON in UTF-8") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"is not JSON ({exc.msg} at line {exc.lineno} column {exc.colno})",
            hint="publish one TrafficFlowObserved entity or a JSON array of them",
        ) from None
    return parse_batch(document, source=SOURCE)
