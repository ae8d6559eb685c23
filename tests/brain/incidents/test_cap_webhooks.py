"""CAP 1.2 documents, webhook URL rules, and delivery with retries against a local server."""

from __future__ import annotations

import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from hostcity.brain.incidents.adapters.delivery import WebhookDispatcher
from hostcity.brain.incidents.cap import CAP_NS, CapIncident, cap_alert_xml
from hostcity.brain.incidents.webhooks import backoff_delays_s, validate_webhook_url
from hostcity.core.errors import InputError

NS = {"cap": CAP_NS}
REQUIRED_ALERT = ("identifier", "sender", "sent", "status", "msgType", "scope")
REQUIRED_INFO = ("category", "event", "urgency", "severity", "certainty")


def _incident(**overrides: object) -> CapIncident:
    values: dict[str, object] = {
        "incident_id": 7,
        "edge_id": "e12",
        "lane_id": "e12_0",
        "severity": "severe",
        "confidence": 0.8,
        "status": "raised",
        "started_at": datetime(2026, 7, 1, 8, 0, 5, 123, tzinfo=UTC),
        "sent_at": datetime(2026, 7, 1, 8, 1, 0, tzinfo=UTC),
        "lon_lat": (13.4, 52.5),
    }
    values.update(overrides)
    return CapIncident(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("status", "certainty"),
    [
        pytest.param("raised", "Likely", id="raised"),
        pytest.param("confirmed", "Observed", id="confirmed"),
        pytest.param("dismissed", "Unlikely", id="dismissed"),
    ],
)
def test_cap_alert_is_valid_cap_1_2(status: str, certainty: str) -> None:
    root = ET.fromstring(cap_alert_xml(_incident(status=status), sender="ops@city.example"))
    assert root.tag == f"{{{CAP_NS}}}alert"
    for tag in REQUIRED_ALERT:
        assert root.find(f"cap:{tag}", NS) is not None, tag
    assert root.findtext("cap:identifier", namespaces=NS) == "hostcity-incident-7"
    assert root.findtext("cap:sent", namespaces=NS) == "2026-07-01T08:01:00+00:00"
    assert root.findtext("cap:status", namespaces=NS) == "Actual"
    info = root.find("cap:info", NS)
    assert info is not None
    for tag in REQUIRED_INFO:
        assert info.find(f"cap:{tag}", NS) is not None, tag
    assert info.findtext("cap:category", namespaces=NS) == "Transport"
    assert info.findtext("cap:severity", namespaces=NS) == "Severe"
    assert info.findtext("cap:certainty", namespaces=NS) == certainty
    circle = info.findtext("cap:area/cap:circle", namespaces=NS)
    assert circle == "52.500000,13.400000 0.1"


def test_cap_without_coordinates_names_the_edge() -> None:
    root = ET.fromstring(cap_alert_xml(_incident(lon_lat=None), sender="ops@city.example"))
    area = root.find("cap:info/cap:area", NS)
    assert area is not None
    assert area.find("cap:circle", NS) is None
    assert area.findtext("cap:geocode/cap:value", namespaces=NS) == "e12"


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("https://ops.example.org/hooks/incidents", id="https"),
        pytest.param("http://127.0.0.1:8080/x", id="http-port"),
    ],
)
def test_good_webhook_urls_pass(url: str) -> None:
    assert validate_webhook_url(f"  {url} ") == url


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("", id="empty"),
        pytest.param("ftp://example.org/x", id="ftp"),
        pytest.param("javascript:alert(1)", id="javascript"),
        pytest.param("file:///etc/passwd", id="file"),
        pytest.param("http://", id="no-host"),
        pytest.param("https://exa mple.org/", id="space"),
        pytest.param("http://user:pw@example.org/", id="credentials"),
        pytest.param("http://example.org:99999/", id="bad-port"),
        pytest.param("example.org/hook", id="no-scheme"),
    ],
)
def test_bad_webhook_urls_are_refused(url: str) -> None:
    with pytest.raises(InputError):
        validate_webhook_url(url)


def test_backoff_doubles_up_to_a_cap() -> None:
    assert backoff_delays_s(5, base_s=1.0, cap_s=4.0) == [1.0, 2.0, 4.0, 4.0]
    assert backoff_delays_s(1) == []
    with pytest.raises(InputError):
        backoff_delays_s(0)


class _FlakyHandler(BaseHTTPRequestHandler):
    """Fails the first ``fail_first`` POSTs with 503, then answers 200."""

    fail_first = 2
    received: ClassVar[list[tuple[float, bytes, str]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        type(self).received.append((time.monotonic(), body, self.headers.get("Content-Type", "")))
        status = 503 if len(type(self).received) <= type(self).fail_first else 200
        self.send_response(status)
        self.end_headers()

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def flaky_server() -> Iterator[tuple[str, type[_FlakyHandler]]]:
    handler = type("Handler", (_FlakyHandler,), {"received": [], "fail_first": 2})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", handler
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def _wait(condition: object, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            pytest.fail("timed out waiting")
        time.sleep(0.02)


def test_failing_webhook_is_retried_with_backoff_then_delivered(
    flaky_server: tuple[str, type[_FlakyHandler]],
) -> None:
    url, handler = flaky_server
    dispatcher = WebhookDispatcher(attempts=5, base_delay_s=0.1, max_delay_s=1.0, timeout_s=2.0)
    try:
        started = time.monotonic()
        assert dispatcher.enqueue(url, b"<alert/>")
        assert time.monotonic() - started < 0.1, "enqueue must not block"
        _wait(lambda: any(r.ok for r in dispatcher.history))
    finally:
        dispatcher.stop()
    times = [t for t, _body, _ct in handler.received]
    assert len(times) == 3
    assert times[1] - times[0] >= 0.09
    assert times[2] - times[1] >= 0.19  # doubled
    assert [r.attempt for r in dispatcher.history] == [1, 2, 3]
    assert handler.received[-1][1] == b"<alert/>"
    assert handler.received[-1][2].startswith("application/cap+xml")


def test_unreachable_webhook_gives_up_without_blocking(caplog: pytest.LogCaptureFixture) -> None:
    calls: list[str] = []

    def refuse(url: str, _body: bytes, _headers: dict[str, str], _timeout_s: float) -> int:
        calls.append(url)
        raise ConnectionRefusedError("refused")

    dispatcher = WebhookDispatcher(refuse, attempts=3, base_delay_s=0.01)
    try:
        dispatcher.enqueue("http://127.0.0.1:9/none", b"x")
        _wait(lambda: len(dispatcher.history) == 3 and dispatcher.pending() == 0)
    finally:
        dispatcher.stop()
    assert len(calls) == 3
    assert not any(r.ok for r in dispatcher.history)
    assert "giving up" in caplog.text
