"""The demo feed: shuttle buses linking the demo event's venues in the demo city (Berlin-Adlershof).

The stops are junctions of the demo network (eclipse-sumo ``tools/game/DRT/osm.net.xml``),
picked every ~350 m along lines through the venues; the service runs every day around today,
along the roads between the stops where the seeder routes them.
"""

from __future__ import annotations

from datetime import date, timedelta

from hostcity.smartpass.transit.generator import HopPaths, shuttle_feed

DEMO_FEED_NAME = "HostCity Shuttles"
DEMO_TIMEZONE = "Europe/Berlin"
DEMO_LINES: tuple[tuple[str, tuple[tuple[str, float, float], ...]], ...] = (
    (
        "S1",
        (
            ("Hermann-Dorner-Allee", 52.437326, 13.52618),
            ("Hermann-Dorner-Allee / Karl-Ziegler-Straße", 52.435135, 13.522396),
            ("Hermann-Dorner-Allee / Wilhelm-Hoff-Straße", 52.431287, 13.518618),
            ("Rudower Chaussee", 52.428234, 13.519615),
            ("Schwarzschildstraße", 52.42719, 13.524241),
            ("Albert-Einstein-Straße / Ernst-Ruska-Ufer", 52.426362, 13.529021),
        ),
    ),
    (
        "S2",
        (
            ("Rudower Chaussee", 52.428234, 13.519615),
            ("Hermann-Dorner-Allee / Wilhelm-Hoff-Straße", 52.431287, 13.518618),
            ("Ernst-Lau-Straße / Karl-Ziegler-Straße", 52.433795, 13.52448),
            ("Wilhelm-Hoff-Straße", 52.435406, 13.529259),
            ("Pfarrer-Goosmann-Straße / Wagner-Régeny-Straße", 52.436713, 13.535195),
            ("Rudower Chaussee", 52.434802, 13.539869),
            ("Adlergestell", 52.432181, 13.545658),
        ),
    ),
    (
        "S3",
        (
            ("Adlergestell", 52.439691, 13.535159),
            ("Pfarrer-Goosmann-Straße / Wagner-Régeny-Straße", 52.436713, 13.535195),
            ("Groß-Berliner Damm", 52.433254, 13.533691),
            ("Magnusstraße", 52.429801, 13.531232),
            ("Albert-Einstein-Straße / Ernst-Ruska-Ufer", 52.426362, 13.529021),
            ("Ernst-Ruska-Ufer", 52.425969, 13.535115),
            ("Ernst-Ruska-Ufer / Volmerstraße", 52.425644, 13.541848),
        ),
    ),
)


def demo_feed_files(
    today: date, *, days_before: int = 7, days: int = 60, drive: HopPaths | None = None
) -> dict[str, str]:
    """The demo shuttle feed's GTFS tables, running from a week before ``today`` for 60 days.

    ``drive`` gives the roads between stops (the demo seeder routes them on the demo city's
    network); without it the feed has no shapes.
    """
    return shuttle_feed(
        DEMO_LINES,
        agency=DEMO_FEED_NAME,
        timezone=DEMO_TIMEZONE,
        start=today - timedelta(days=days_before),
        days=days,
        headway_s=600,
        drive=drive,
    )
