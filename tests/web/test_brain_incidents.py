"""The Incidents tab in headless Chromium on ``hostcity demo``: the list with its decisions,
and an exercise that stalls a vehicle over a loop of the live twin."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from tests.browser_harness import LiveServer, login, wait_for_toast

pytestmark = [pytest.mark.browser]
TWIN_START_MS = 180_000


def _report(live_server: LiveServer, **body: object) -> int:
    """Report an incident on a road of the demo city, as an operator; returns its id."""
    made = httpx.post(
        f"{live_server.url}/api/brain/incidents",
        json={"edge_id": "-142575672#2", **body},
        headers={"Authorization": f"Bearer {live_server.tokens['operator']}"},
        timeout=30,
    )
    assert made.status_code == 201, made.text
    incident: int = made.json()["id"]
    return incident


def test_operator_confirms_a_reported_incident(page: Any, live_server: LiveServer) -> None:
    incident = _report(live_server, severity="severe", evidence={"reported": "radio"})
    login(page, live_server, "operator")
    page.goto(f"{live_server.url}/#/brain/incidents")
    page.wait_for_selector(f"#incident-row-{incident}")
    page.wait_for_selector(f"#incident-marker-{incident}", state="attached")  # on the map
    page.click(f"#incident-confirm-{incident}")
    wait_for_toast(page, f"incident {incident} confirmed")
    page.wait_for_selector(f"#incident-row-{incident} td:has-text('confirmed')")


def test_operator_books_an_exercise_and_sees_it_on_the_map(
    page: Any, live_server: LiveServer
) -> None:
    login(page, live_server, "operator")
    page.goto(f"{live_server.url}/#/brain/incidents")
    # the loops come with the twin's first run; the busiest is picked first
    page.wait_for_function(
        "document.querySelectorAll('#exercise-detector option[value^=\"twin-\"]').length > 10",
        timeout=TWIN_START_MS,
    )
    page.fill("#exercise-minutes", "30")
    page.click("#exercise-start")
    wait_for_toast(page, "exercise")
    item = page.locator("#exercise-list li[id^='exercise-']").first
    item.wait_for()
    assert item.get_attribute("data-state") in ("waiting", "stalled")
    assert page.input_value("#exercise-detector") in item.inner_text()
    page.wait_for_selector("#exercise-markers circle", state="attached")
    # the same loop cannot take a second exercise while this one is on
    page.click("#exercise-start")
    wait_for_toast(page, "already on", kind="error")


def test_an_incident_sends_the_operator_to_dispatch_a_unit_there(
    page: Any, live_server: LiveServer
) -> None:
    incident = _report(live_server, severity="moderate")
    login(page, live_server, "operator")
    page.goto(f"{live_server.url}/#/brain/incidents")
    page.click(f"#incident-send-{incident}", timeout=TWIN_START_MS)
    # the Emergency tab opens with the call placed on the incident's road, ETAs listed
    page.wait_for_selector("#eta-table", timeout=60_000)
    chooser = page.inner_text("#emergency-chooser")
    assert "142575672#2" in chooser  # either way along it
    assert f"for incident {incident}" in chooser
    assert page.locator("#call-marker").count() == 1
    # the call sent keeps which incident it answers
    page.click("#dispatch-fastest")
    page.wait_for_selector("#call-note")
    assert page.inner_text("#call-note") == f"incident {incident}"
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#cancel-call")  # recall it: the note keeps the incident and adds why
    page.wait_for_function(
        "document.getElementById('call-note')"
        " && document.getElementById('call-note').textContent.includes('; ')",
        timeout=30_000,
    )
    assert page.inner_text("#call-note").startswith(f"incident {incident}; ")
    # the recalled unit is home again before the next test (the demo's units are shared)
    headers = {"Authorization": f"Bearer {live_server.tokens['operator']}"}
    deadline = time.monotonic() + 120
    while True:
        units = httpx.get(f"{live_server.url}/api/brain/emergency/units", headers=headers).json()
        if all(u["status"] == "available" for u in units["units"]):
            break
        assert time.monotonic() < deadline, units
        time.sleep(1)


def test_a_dismissal_shows_as_less_sensitivity_that_an_operator_can_reset(
    page: Any, live_server: LiveServer
) -> None:
    loop = _named_loop(live_server)
    incident = _report(live_server, severity="minor", detector_id=loop["id"])
    login(page, live_server, "operator")
    page.goto(f"{live_server.url}/#/brain/incidents")
    page.click(f"#incident-dismiss-{incident}")
    wait_for_toast(page, f"incident {incident} dismissed")
    row = page.locator(f"[id='damping-{loop['id']}']")
    row.wait_for()
    text = row.inner_text()
    assert loop["street"] in text and "thresholds \u00d71.50" in text  # named by its street
    page.click(f"[id='damping-reset-{loop['id']}']")
    wait_for_toast(page, f"{loop['id']} has its full sensitivity again")
    row.wait_for(state="detached")


def _named_loop(live_server: LiveServer) -> dict[str, Any]:
    """A twin loop on a named street (the demo lists its loops once its network is read)."""
    deadline = time.monotonic() + TWIN_START_MS / 1000
    while time.monotonic() < deadline:
        found = httpx.get(
            f"{live_server.url}/api/brain/detectors",
            headers={"Authorization": f"Bearer {live_server.tokens['operator']}"},
            timeout=30,
        ).json()["detectors"]
        named = [d for d in found if d.get("street")]
        if named:
            return dict(named[0])
        time.sleep(1.0)
    raise AssertionError("the demo listed no loop on a named street")
