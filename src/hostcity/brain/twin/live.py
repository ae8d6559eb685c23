"""A small thread-safe publish/subscribe hub that carries twin events to the UI's streams."""

from __future__ import annotations

import contextlib
import itertools
import threading
from collections import deque
from dataclasses import dataclass
from typing import Any

MAX_QUEUED = 100


@dataclass(frozen=True)
class Event:
    """One message for the UI: its kind ('state', 'observations', 'status') and JSON data."""

    seq: int
    kind: str
    data: dict[str, Any]


class Subscription:
    """One listener's queue; the oldest events are dropped when a slow reader falls behind."""

    def __init__(self, hub: LiveHub, maxlen: int) -> None:
        self._hub = hub
        self._events: deque[Event] = deque(maxlen=maxlen)
        self._ready = threading.Condition()

    def put(self, event: Event) -> None:
        """Queue ``event`` and wake a waiting reader."""
        with self._ready:
            self._events.append(event)
            self._ready.notify_all()

    def get(self, timeout_s: float) -> Event | None:
        """The next event, or None after ``timeout_s`` without one."""
        with self._ready:
            if not self._events:
                self._ready.wait(timeout_s)
            return self._events.popleft() if self._events else None

    def wake(self) -> None:
        """Wake a reader waiting in ``get`` at once, with no event (so that it can stop)."""
        with self._ready:
            self._ready.notify_all()

    def close(self) -> None:
        """Stop listening."""
        self._hub.unsubscribe(self)


class LiveHub:
    """Fans events out to every subscriber and remembers the latest event of each kind."""

    def __init__(self, *, maxlen: int = MAX_QUEUED) -> None:
        self._lock = threading.Lock()
        self._subscribers: list[Subscription] = []
        self._latest: dict[str, Event] = {}
        self._seq = itertools.count(1)
        self._maxlen = maxlen

    def publish(self, kind: str, data: dict[str, Any]) -> Event:
        """Send ``data`` to every subscriber as an event of ``kind``."""
        with self._lock:
            event = Event(next(self._seq), kind, data)
            self._latest[kind] = event
            subscribers = list(self._subscribers)
        for subscriber in subscribers:
            subscriber.put(event)
        return event

    def latest(self, kind: str) -> Event | None:
        """The last event of ``kind``, if any was published."""
        with self._lock:
            return self._latest.get(kind)

    def subscribe(self, *, replay: tuple[str, ...] = ()) -> Subscription:
        """A new subscription, first given the latest events of the ``replay`` kinds."""
        subscription = Subscription(self, self._maxlen)
        with self._lock:
            self._subscribers.append(subscription)
            for kind in replay:
                if kind in self._latest:
                    subscription.put(self._latest[kind])
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        """Remove ``subscription``; unknown ones are ignored."""
        with self._lock, contextlib.suppress(ValueError):
            self._subscribers.remove(subscription)

    @property
    def subscriber_count(self) -> int:
        """How many listeners are connected."""
        with self._lock:
            return len(self._subscribers)
