"""Registers the transit feature on the platform: the trip service and the demo feed's seeder."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hostcity.core.platform import Platform

SERVICE = "transit"


def register(platform: Platform) -> None:
    """Add the transit service and the demo seeder to ``platform`` (nothing heavy runs here)."""
    from hostcity.smartpass.transit.service import TransitService

    platform.services[SERVICE] = TransitService(platform.settings.data_dir)
    platform.demo_seeders.append(seed_demo_feed)


def seed_demo_feed(platform: Platform) -> list[str]:
    """Import the demo shuttle feed: driven and walked along the demo city's streets."""
    from hostcity.core.db import session_scope
    from hostcity.core.timeutil import utcnow
    from hostcity.smartpass.transit.adapters.drive_shapes import RoadRouter
    from hostcity.smartpass.transit.adapters.feedfiles import write_feed_zip
    from hostcity.smartpass.transit.adapters.streets import demo_net_path
    from hostcity.smartpass.transit.demo import DEMO_FEED_NAME, demo_feed_files
    from hostcity.smartpass.transit.service import TransitService

    service: TransitService = platform.services[SERVICE]
    roads = RoadRouter(demo_net_path())
    path = write_feed_zip(
        demo_feed_files(utcnow().date(), drive=roads.hops),
        service.feeds_dir.parent / "demo-shuttles.zip",
    )
    with session_scope(platform.session_factory) as session:
        summary = service.import_feed(
            session, path, name=DEMO_FEED_NAME, street_net=demo_net_path()
        )
    return [
        f"Trips: feed '{summary['name']}' with {summary['stops']} stops, "
        f"{summary['first_day']} to {summary['last_day']} (Smart Pass > Trips)"
    ]
