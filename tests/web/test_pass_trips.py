"""The trips tab: the map shows the lines and streets, then a planned journey on top."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tests.browser_harness import LiveServer, login


def test_trips_map_shows_the_lines_then_the_journey_in_their_colours(
    page: Any, live_server: LiveServer
) -> None:
    login(page, live_server, "fan")
    page.goto(f"{live_server.url}/#pass/trips")
    # Before any planning: the demo's three shuttle lines over the streets, with a legend.
    page.wait_for_selector("#trip-map-line-2", state="attached")
    assert page.locator(".trip-map-line").count() == 3
    assert page.locator("#trip-map-streets polyline").count() > 500
    legend = page.inner_text("#trip-map-legend")
    assert all(name in legend for name in ("S1", "S2", "S3"))
    line_colours = {page.get_attribute(f"#trip-map-line-{i}", "stroke") for i in range(3)}
    assert len(line_colours) == 3
    # Plan between two venues: a ride is drawn in its line's colour, the lines fade.
    page.select_option("#trip-from-pick", label="Adlergestell Big Air")
    page.select_option("#trip-to-pick", label="Adlershof Ice Arena")
    tomorrow = date.today() + timedelta(days=1)  # the shuttles run 06:00-24:00
    page.fill("#trip-depart", f"{tomorrow.isoformat()}T10:00")
    page.click("#trip-plan")
    page.wait_for_selector("#trip-results .journey")
    page.wait_for_selector("#trip-map-origin", state="attached")
    strokes = page.eval_on_selector_all(
        "polyline[id^='trip-map-leg-']", "els => els.map(e => e.getAttribute('stroke'))"
    )
    assert set(strokes) & line_colours, strokes
    assert page.get_attribute("#trip-map-line-0", "stroke-opacity") == "0.25"


def test_two_clicks_on_the_map_plan_a_trip_between_them(page: Any, live_server: LiveServer) -> None:
    login(page, live_server, "fan")
    page.goto(f"{live_server.url}/#pass/trips")
    page.wait_for_selector("#trip-map-line-2", state="attached")
    tomorrow = date.today() + timedelta(days=1)  # the shuttles run 06:00-24:00
    page.fill("#trip-depart", f"{tomorrow.isoformat()}T10:00")
    venues = page.locator("#trip-map-svg circle[r='5']")  # the venues' dots
    assert venues.count() >= 2
    before = page.input_value("#trip-from")
    first, second = venues.nth(0).bounding_box(), venues.nth(1).bounding_box()
    assert first is not None and second is not None
    page.mouse.click(first["x"] + first["width"] / 2, first["y"] + first["height"] / 2)
    page.wait_for_function(f"document.getElementById('trip-from').value !== {before!r}")
    page.mouse.click(second["x"] + second["width"] / 2, second["y"] + second["height"] / 2)
    page.wait_for_selector("#trip-results .journey, #trip-error, #trip-none")
    # the clicked points are the venues, within a few metres
    names = [venues.nth(i).locator("title").text_content() for i in (0, 1)]
    picked = [page.input_value("#trip-from"), page.input_value("#trip-to")]
    places = page.evaluate(
        "async () => (await (await fetch('/api/pass/venues', {headers: {Authorization:"
        " 'Bearer ' + localStorage.getItem('hostcity.token')}})).json())"
    )
    for name, value in zip(names, picked, strict=True):
        venue = next(v for v in places if v["name"] == name)
        lat, lon = map(float, value.split(","))
        assert abs(lat - venue["lat"]) < 0.0003 and abs(lon - venue["lon"]) < 0.0004, name
    assert page.locator("#trip-results .journey").count() >= 1
