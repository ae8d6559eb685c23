"""The home page renders, shows the platform's health, and a token logs in."""

from __future__ import annotations

from typing import Any

from tests.browser_harness import OUTPUT_DIR, LiveServer, login


def test_home_page_renders_with_every_pillar(page: Any, live_server: LiveServer) -> None:
    page.goto(live_server.url)
    page.wait_for_selector("#health.ok")
    assert "database sqlite" in page.inner_text("#health")
    for pillar in ("brain", "pass", "replay"):
        assert page.is_visible(f"#card-{pillar}")


def test_login_with_the_demo_token_form(page: Any, live_server: LiveServer) -> None:
    page.goto(live_server.url)
    page.fill("#token-input", live_server.tokens["operator"])
    page.click("#login-form button")
    page.wait_for_selector("#who-name")
    assert "demo operator" in page.inner_text("#who-name")
    assert "operator" in page.inner_text("#welcome")
    # each card says what is on now: the twin, incidents and units, events, camera sets
    page.wait_for_selector("#now-brain:not([hidden])")
    assert "open incident(s)" in page.inner_text("#now-brain")
    assert "emergency units out" in page.inner_text("#now-brain")
    page.wait_for_selector("#now-replay:not([hidden])")
    assert "1 camera set(s), 4 cameras" in page.inner_text("#now-replay")
    assert page.is_visible("#now-pass")
    page.screenshot(path=str(OUTPUT_DIR / "home-logged-in.png"))
    assert (OUTPUT_DIR / "home-logged-in.png").stat().st_size > 10_000


def test_login_link_and_bad_token(page: Any, live_server: LiveServer) -> None:
    login(page, live_server, "fan")
    assert "(fan)" in page.inner_text("#who-name")
    page.click("#who-name button")
    page.fill("#token-input", "hc_wrong")
    page.click("#login-form button")
    page.wait_for_selector("#toast.error")
    assert "Login failed" in page.inner_text("#toast")


def test_each_pillar_page_opens(page: Any, live_server: LiveServer) -> None:
    failed: list[str] = []  # every resource the pages ask for exists (the icon included)
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    login(page, live_server)
    for pillar, title in (
        ("brain", "City Brain"),
        ("pass", "Smart Pass"),
        ("replay", "Replay Studio"),
    ):
        page.click(f"#nav a[data-page={pillar}]")
        page.wait_for_selector(f"main[data-page={pillar}] h1")
        assert page.inner_text("main h1") == title
    page.wait_for_timeout(1000)  # let the last page finish its requests
    assert failed == []


def test_the_api_reference_renders_from_hostcitys_own_files(
    page: Any, live_server: LiveServer
) -> None:
    outside: list[str] = []
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None,
    )
    page.goto(f"{live_server.url}/docs")
    page.wait_for_selector(".swagger-ui .opblock-tag", timeout=30_000)
    assert page.locator(".swagger-ui .opblock").count() > 50  # every route, by pillar
    assert "HostCity" in page.inner_text(".swagger-ui .info")
    assert outside == []
    banner = live_server.log_file.read_text()
    assert "API reference:  http://" in banner and "/docs (readiness probe: " in banner
