"""An in-memory sliding-window rate limiter, per caller and action."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

from hostcity.core.errors import RateLimitedError

WINDOW_S = 60.0


class RateLimiter:
    """At most ``per_minute`` calls per key in any 60 s window.

    Args:
        per_minute: The allowance per key.
        clock: Seconds from a monotonic clock (injected by tests).
    """

    def __init__(self, per_minute: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._calls: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, key: str) -> None:
        """Count one call for ``key``.

        Raises:
            RateLimitedError: when ``key`` already used its allowance in the last minute.
        """
        now = self._clock()
        with self._lock:
            calls = self._calls.setdefault(key, deque())
            while calls and calls[0] <= now - WINDOW_S:
                calls.popleft()
            if len(calls) >= self.per_minute:
                retry_s = max(0.0, calls[0] + WINDOW_S - now)
                raise RateLimitedError(
                    f"too many requests: at most {self.per_minute} per minute",
                    hint=f"retry in {retry_s:.0f} s",
                )
            calls.append(now)
            if len(self._calls) > 10_000:
                self._forget_idle(now)

    def _forget_idle(self, now: float) -> None:
        idle = [k for k, v in self._calls.items() if not v or v[-1] <= now - WINDOW_S]
        for key in idle:
            del self._calls[key]
