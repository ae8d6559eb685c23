"""The agenda tab in a browser: search, follow, see the agenda with its flags, get the .ics."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.browser_harness import LiveServer, login


def test_follow_an_athlete_and_download_the_agenda(page: Any, live_server: LiveServer) -> None:
    login(page, live_server, "fan")
    page.goto(f"{live_server.url}/#pass/agenda")
    page.wait_for_selector("#athlete-search")
    page.fill("#athlete-search", "ELODIE lefevre")
    page.wait_for_selector("#athlete-results .athlete")
    button = page.locator("#athlete-results button[id^='follow-']").first
    button_id = button.get_attribute("id")
    button.click()
    page.wait_for_selector(f"#{button_id}:has-text('Following')")
    page.wait_for_selector("#agenda li")
    items = page.locator("#agenda li")
    assert items.count() == 3  # Big Air qualification and final, 1500 m
    # The 1500 m starts 15 min after the Big Air qualification ends, across town.
    assert page.locator("#agenda li[data-reachable='false']").count() >= 1
    assert "cannot reach in time" in page.inner_text("#agenda")
    with page.expect_download() as download_info:
        page.click("#agenda-ics")
    path = Path(download_info.value.path())
    text = path.read_text(encoding="utf-8")
    assert text.startswith("BEGIN:VCALENDAR")
    assert text.count("BEGIN:VEVENT") == 3
    # Each later session links a suggested trip from the previous venue; open one.
    trip = page.locator("#agenda a.agenda-trip").first
    trip.wait_for()
    trip.click()
    page.wait_for_selector("#trip-results li, #trip-results .journey, #trip-error, #trip-none")
    assert page.input_value("#trip-from") != ""
    # And after the session, the quickest way out of the venue.
    page.goto(f"{live_server.url}/#pass/exit")
    page.wait_for_selector("#exit-section option", state="attached")
    page.click("#exit-find")
    page.wait_for_selector("#exit-path")


def test_follow_a_whole_event_and_a_team(page: Any, live_server: LiveServer) -> None:
    # The operator's own agenda, so the fan's agenda in the test above stays as it expects.
    login(page, live_server, "operator")
    page.goto(f"{live_server.url}/#pass/agenda")
    page.wait_for_selector("#event-list li.event")
    page.fill("#event-filter", "women big air")
    assert page.locator("#event-list li.event").count() == 1
    page.locator("#event-list button[id^='follow-event-']").click()
    page.wait_for_selector("#event-list button:has-text('Following')")
    page.wait_for_selector("#agenda li")
    assert page.locator("#agenda li").count() == 2  # Women's Big Air: qualification and final
    assert "the whole event" in page.inner_text("#agenda")
    # A three-letter NOC offers the whole team.
    assert page.locator("#follow-noc").is_hidden()
    page.fill("#athlete-noc", "ita")
    page.click("#follow-noc:has-text('Follow team ITA')")
    page.wait_for_selector("#follow-noc:has-text('Following team ITA')")
    page.wait_for_function("document.querySelectorAll('#agenda li').length > 2")
    assert "team ITA" in page.inner_text("#agenda")
    # Unfollow both from the chips: the agenda is empty again.
    page.click("#unfollow-noc-ITA")
    page.wait_for_selector("#follow-noc:has-text('Follow team ITA')")
    page.click("[id^='unfollow-event-']")
    page.wait_for_selector("#agenda :text('Your agenda is empty')")
    assert page.locator("#event-list button:has-text('Following')").count() == 0
