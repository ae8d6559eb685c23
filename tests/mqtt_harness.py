"""MQTT broker for the tests marked ``mqtt``: the one HOSTCITY_TEST_MQTT_URL names (CI sets the
machine's Mosquitto), else a Mosquitto this harness starts on a free port when the binary is
installed. With neither, those tests are deselected, and the summary says so and how many ran.

Loaded as a pytest plugin by tests/conftest.py.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

MQTT_ENV = "HOSTCITY_TEST_MQTT_URL"
MOSQUITTO_CANDIDATES = (
    "/usr/sbin/mosquitto",
    "/usr/local/sbin/mosquitto",
    "/opt/homebrew/sbin/mosquitto",
)
STARTUP_TIMEOUT_S = 10.0
_outcomes: list[str] = []
_deselected: list[int] = []
_started: list[int] = []


def _mosquitto() -> str | None:
    for candidate in (shutil.which("mosquitto"), *MOSQUITTO_CANDIDATES):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def _broker_available() -> bool:
    return bool(os.environ.get(MQTT_ENV)) or _mosquitto() is not None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_for_port(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"mosquitto exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"mosquitto did not listen on port {port}")


@pytest.fixture(scope="session")
def mqtt_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a running MQTT broker (``mqtt://127.0.0.1:PORT``)."""
    named = os.environ.get(MQTT_ENV)
    if named:
        yield named
        return
    binary = _mosquitto()
    assert binary is not None, "the mqtt tests are deselected when no broker is available"
    port = _free_port()
    folder = tmp_path_factory.mktemp("mosquitto")
    config = folder / "mosquitto.conf"
    config.write_text(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n")
    log = (folder / "mosquitto.log").open("wb")
    process = subprocess.Popen([binary, "-c", str(config)], stdout=log, stderr=subprocess.STDOUT)
    _started.append(port)
    try:
        _wait_for_port(port, process)
        yield f"mqtt://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect the broker tests when no broker can be had (counted in the summary)."""
    if _broker_available():
        return
    kept = [item for item in items if "mqtt" not in item.keywords]
    gone = [item for item in items if "mqtt" in item.keywords]
    if gone:
        config.hook.pytest_deselected(items=gone)
        items[:] = kept
        _deselected.append(len(gone))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Count the broker tests that really ran."""
    if report.when == "call" and "mqtt" in report.keywords:
        _outcomes.append(report.outcome)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say how many tests ran against a real MQTT broker, and which."""
    if _deselected:
        terminalreporter.write_line(
            f"MQTT broker tests: 0 ran ({sum(_deselected)} deselected: no broker; set {MQTT_ENV} "
            "or install mosquitto)"
        )
        return
    where = os.environ.get(MQTT_ENV) or ("a mosquitto the tests started" if _started else "")
    terminalreporter.write_line(
        f"MQTT broker tests: {len(_outcomes)} ran, {_outcomes.count('passed')} passed"
        + (f" ({where})" if where else "")
    )
