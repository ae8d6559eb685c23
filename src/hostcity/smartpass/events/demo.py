"""The demo Winter Games shipped in the package, and the seeder that loads it once."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from hostcity.core.db import session_scope
from hostcity.smartpass.events.adapters.tables import CompetitionRow
from hostcity.smartpass.events.service import import_dir

if TYPE_CHECKING:
    from hostcity.core.platform import Platform

DEMO_DIR = Path(__file__).parent / "demo"
DEMO_ID = "hostcity-winter-games"


def seed_demo_event(platform: Platform) -> list[str]:
    """Import the demo event unless it is there already; returns lines for ``hostcity demo``.

    Session times are relative to the day of the first seed, so a fresh demo always shows
    the coming days; later seeds leave the event (and fans' follows) as they are.
    """
    with session_scope(platform.session_factory) as session:
        existing = session.get(CompetitionRow, DEMO_ID)
        name = existing.name if existing else None
    if name is not None:
        return [f"Smart Pass events: {name} already loaded"]
    summary, _notes = import_dir(platform.session_factory, DEMO_DIR)
    return [
        f"Smart Pass events: loaded the demo Winter Games ({summary.sessions} sessions, "
        f"{summary.athletes} athletes, {summary.venues} venues); follow athletes under Smart Pass"
    ]
