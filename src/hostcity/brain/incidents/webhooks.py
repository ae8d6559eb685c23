"""Webhook rules: which URLs an operator may register, and the retry schedule."""

from __future__ import annotations

from urllib.parse import urlsplit

from hostcity.core.errors import InputError

MAX_URL_LENGTH = 2000


def validate_webhook_url(url: str) -> str:
    """Check a webhook URL: http or https, a host, no credentials, no spaces.

    Returns:
        The URL, stripped.

    Raises:
        InputError: naming what is wrong with the URL.
    """
    text = url.strip()
    hint = "give a full URL such as https://ops.example.org/hooks/incidents"
    if not text or len(text) > MAX_URL_LENGTH or any(c.isspace() for c in text):
        raise InputError(f"webhook URL {url!r} is empty, too long or has spaces", hint=hint)
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise InputError(f"webhook URL {url!r} is malformed: {exc}", hint=hint) from exc
    if parts.scheme not in ("http", "https"):
        raise InputError(
            f"webhook URL {url!r} uses scheme {parts.scheme!r}; only http and https work",
            hint=hint,
        )
    if not parts.hostname:
        raise InputError(f"webhook URL {url!r} has no host", hint=hint)
    if parts.username or parts.password:
        raise InputError(
            f"webhook URL {url!r} carries credentials",
            hint="put secrets in the receiving service, not in the URL",
        )
    if port == 0:
        raise InputError(f"webhook URL {url!r} has port 0", hint=hint)
    return text


def backoff_delays_s(attempts: int, *, base_s: float = 1.0, cap_s: float = 60.0) -> list[float]:
    """The waits before each retry: ``base_s`` doubling, capped at ``cap_s``.

    Raises:
        InputError: for fewer than one attempt or a negative base.
    """
    if attempts < 1 or base_s < 0:
        raise InputError("webhook delivery needs at least one attempt and a base delay >= 0 s")
    return [min(cap_s, base_s * 2**i) for i in range(attempts - 1)]
