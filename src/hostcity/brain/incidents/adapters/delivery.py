"""Webhook delivery in a background thread, with retries and exponential backoff."""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from hostcity.brain.incidents.webhooks import backoff_delays_s

log = logging.getLogger(__name__)

Transport = Callable[[str, bytes, dict[str, str], float], int]
"""``post(url, body, headers, timeout_s) -> HTTP status``; raises OSError when unreachable."""

CAP_CONTENT_TYPE = "application/cap+xml; charset=utf-8"


def urllib_post(url: str, body: bytes, headers: dict[str, str], timeout_s: float) -> int:
    """POST with the standard library; HTTP errors come back as their status code."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


@dataclass(frozen=True)
class DeliveryRecord:
    """The outcome of one delivery attempt."""

    url: str
    attempt: int
    status: int | None
    error: str | None
    at_monotonic_s: float

    @property
    def ok(self) -> bool:
        """True for a 2xx answer."""
        return self.status is not None and 200 <= self.status < 300


class WebhookDispatcher:
    """Delivers documents to URLs from its own thread; ``enqueue`` never blocks.

    Args:
        transport: How to POST (the standard library by default; a fake in tests).
        attempts: Tries per delivery, the first included.
        base_delay_s: Wait before the first retry; doubles each time.
        max_delay_s: Longest wait between tries.
        timeout_s: Timeout of one try.
        max_pending: Deliveries waiting at most; more are dropped with a warning.
    """

    name = "incident webhooks"

    def __init__(
        self,
        transport: Transport = urllib_post,
        *,
        attempts: int = 5,
        base_delay_s: float = 1.0,
        max_delay_s: float = 60.0,
        timeout_s: float = 5.0,
        max_pending: int = 1000,
    ) -> None:
        self._transport = transport
        self._delays = backoff_delays_s(attempts, base_s=base_delay_s, cap_s=max_delay_s)
        self._timeout_s = timeout_s
        self._max_pending = max_pending
        self._heap: list[tuple[float, int, str, bytes, int]] = []
        self._order = itertools.count()
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._stopping = False
        self.history: deque[DeliveryRecord] = deque(maxlen=200)

    def start(self) -> None:
        """Start the delivery thread (also started by the first ``enqueue``)."""
        with self._cond:
            if self._thread is not None and self._thread.is_alive():
                return
            self._stopping = False
            self._thread = threading.Thread(
                target=self._run, name="hostcity-incident-webhooks", daemon=True
            )
            self._thread.start()

    def stop(self) -> None:
        """Stop the thread; pending deliveries are dropped."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join(timeout=self._timeout_s + 1.0)
        self._thread = None

    def enqueue(self, url: str, body: bytes) -> bool:
        """Queue ``body`` for ``url``; returns False when the queue is full."""
        self.start()
        with self._cond:
            if len(self._heap) >= self._max_pending:
                log.warning(
                    "webhook queue full (%d); dropping delivery to %s", len(self._heap), url
                )
                return False
            heapq.heappush(self._heap, (time.monotonic(), next(self._order), url, body, 1))
            self._cond.notify_all()
        return True

    def pending(self) -> int:
        """Deliveries waiting, retries included."""
        with self._cond:
            return len(self._heap)

    def _next(self) -> tuple[str, bytes, int] | None:
        with self._cond:
            while not self._stopping:
                if self._heap:
                    due = self._heap[0][0]
                    wait_s = due - time.monotonic()
                    if wait_s <= 0:
                        _due, _n, url, body, attempt = heapq.heappop(self._heap)
                        return url, body, attempt
                    self._cond.wait(timeout=wait_s)
                else:
                    self._cond.wait()
            return None

    def _run(self) -> None:
        while (job := self._next()) is not None:
            url, body, attempt = job
            status: int | None = None
            error: str | None = None
            try:
                status = self._transport(
                    url, body, {"Content-Type": CAP_CONTENT_TYPE}, self._timeout_s
                )
            except (OSError, ValueError) as exc:
                error = str(exc) or type(exc).__name__
            record = DeliveryRecord(url, attempt, status, error, time.monotonic())
            self.history.append(record)
            if record.ok:
                continue
            if attempt > len(self._delays):
                log.warning(
                    "webhook %s failed %d times; giving up (%s)", url, attempt, error or status
                )
                continue
            with self._cond:
                due = time.monotonic() + self._delays[attempt - 1]
                heapq.heappush(self._heap, (due, next(self._order), url, body, attempt + 1))
