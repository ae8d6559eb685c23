"""Browser test harness: starts ``hostcity demo`` on a free port and drives headless Chromium.

Loaded as a pytest plugin by tests/conftest.py, so every test directory shares one demo
server and one browser per session. Tests that use ``page`` or ``browser`` are marked
``browser`` (deselect them with ``-m 'not browser'``).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

CHROMIUM_CANDIDATES = (
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
)
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
OUTPUT_DIR = Path(os.environ.get("HOSTCITY_TEST_OUTPUT", "test-output"))
STARTUP_TIMEOUT_S = 240


@dataclass(frozen=True)
class LiveServer:
    """A running ``hostcity demo`` and the tokens it printed."""

    url: str
    tokens: dict[str, str]
    data_dir: Path
    log_file: Path


def find_chromium() -> str:
    """The Chromium binary to drive; fails (never skips) with how to install one."""
    override = os.environ.get("HOSTCITY_CHROMIUM")
    candidates = [override] if override else []
    candidates += [
        *CHROMIUM_CANDIDATES,
        shutil.which("chromium") or "",
        shutil.which("chrome") or "",
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return candidate
    pytest.fail(
        "browser tests need Chromium: run 'apt-get install -y chromium' (scripts/test does this "
        "when it can) or set HOSTCITY_CHROMIUM to a Chrome/Chromium binary"
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _read_tokens(log_file: Path) -> dict[str, str]:
    text = log_file.read_text(errors="replace")
    return dict(re.findall(r"(\w+) token:\s+(hc_\S+)", text))


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """``hostcity demo`` in a subprocess on a free port, with a fresh data directory."""
    data_dir = tmp_path_factory.mktemp("demo-data")
    port = _free_port()
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    log_file = OUTPUT_DIR / "demo-server.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOSTCITY_")}
    env["HOSTCITY_BRAIN__TWIN_SPEED"] = "30"
    # the demo's forecast job records 8 h of history, not 2 days (about 1 min instead of 5)
    env["HOSTCITY_BRAIN__DEMO_HISTORY_DAYS"] = "1"
    env["HOSTCITY_BRAIN__DEMO_HISTORY_HOURS"] = "8"
    with log_file.open("w") as log:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "hostcity",
                "--data-dir",
                str(data_dir),
                "demo",
                "--port",
                str(port),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    try:
        while True:
            if server.poll() is not None:
                pytest.fail(f"hostcity demo exited early:\n{log_file.read_text()[-3000:]}")
            try:
                if httpx.get(f"{url}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"hostcity demo did not answer in {STARTUP_TIMEOUT_S} s")
            time.sleep(0.5)
        yield LiveServer(url, _read_tokens(log_file), data_dir, log_file)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Chromium driven by Playwright (no browser download: the system one)."""
    from playwright.sync_api import sync_playwright

    executable = find_chromium()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh browser page; a screenshot of it is saved under test-output/ after the test."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    new_page = context.new_page()
    console_errors: list[str] = []
    new_page.on("pageerror", lambda exc: console_errors.append(str(exc)))
    yield new_page
    shots = OUTPUT_DIR / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", request.node.name)
    new_page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    context.close()
    assert console_errors == [], f"JavaScript errors on the page: {console_errors}"


def login(page: Any, server: LiveServer, role: str = "operator") -> None:
    """Open the UI logged in with the demo token for ``role``, through the login link."""
    page.goto(f"{server.url}/#login={server.tokens[role]}")
    page.wait_for_selector("#who-name")


def wait_for_toast(page: Any, text: str, kind: str = "ok", timeout_ms: int = 15_000) -> None:
    """Wait until the toast shows ``text`` (an earlier toast, such as the login's, may linger)."""
    page.wait_for_function(
        "([kind, text]) => { const t = document.querySelector('#toast.' + kind);"
        " return t && !t.hidden && t.textContent.includes(text); }",
        arg=[kind, text],
        timeout=timeout_ms,
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that drives a browser (deselect with -m 'not browser')."""
    for item in items:
        if {"page", "browser", "live_server"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)


@contextmanager
def screenshot_page(
    browser: Any, screenshot: str, viewport: tuple[int, int] = (1400, 900)
) -> Iterator[Any]:
    """A page of the shared browser; saves ``screenshot`` under test-output/ and fails the
    test on JavaScript errors. For feature tests that serve their own app."""
    context = browser.new_context(
        viewport={"width": viewport[0], "height": viewport[1]}, accept_downloads=True
    )
    new_page = context.new_page()
    errors: list[str] = []
    new_page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        yield new_page
    finally:
        OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
        new_page.screenshot(path=str(OUTPUT_DIR / screenshot), full_page=True)
        context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


@contextmanager
def serve_in_thread(settings: Any, platform: Any) -> Iterator[str]:
    """Serve ``create_app(settings, platform)`` on a free port in a thread; yields its URL.

    For feature tests that need their own small app rather than the whole demo.
    """
    import threading

    import uvicorn

    from hostcity.api.app import create_app

    port = _free_port()
    config = uvicorn.Config(
        create_app(settings, platform=platform), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/api/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=10)
