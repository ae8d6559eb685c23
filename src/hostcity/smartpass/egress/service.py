"""Egress service: venue plans, live crowd counts, and the recommended way out per section."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hostcity.core.errors import InputError, NotFoundError
from hostcity.core.settings import Settings
from hostcity.core.timeutil import utcnow
from hostcity.smartpass.egress.adapters.tables import CrowdCountRow
from hostcity.smartpass.egress.assignment import EgressPlan, nearest_exit_plan, quickest_exit_plan
from hostcity.smartpass.egress.venue import Venue, load_venue, parse_venue


def builtin_venue_files() -> list[Path]:
    """The demo event's venue plans shipped inside the package."""
    folder = resources.files("hostcity.smartpass.egress") / "venues"
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith(".json"))


@dataclass
class EgressService:
    """Venue plans from the package and the data directory, with live crowding."""

    settings: Settings
    _venues: dict[str, Venue] | None = None

    @property
    def venue_dir(self) -> Path:
        """Where operators' own venue plans are kept."""
        return self.settings.data_dir / "venues"

    def venues(self) -> dict[str, Venue]:
        """Every known venue by id (the data directory's plans override built-in ones)."""
        if self._venues is None:
            found: dict[str, Venue] = {}
            files = builtin_venue_files()
            if self.venue_dir.is_dir():
                files += sorted(self.venue_dir.glob("*.json"))
            for path in files:
                venue = load_venue(path)
                found[venue.id] = venue
            self._venues = found
        return self._venues

    def venue(self, venue_id: str) -> Venue:
        """The venue ``venue_id``.

        Raises:
            NotFoundError: naming the venues that exist.
        """
        try:
            return self.venues()[venue_id]
        except KeyError:
            known = ", ".join(sorted(self.venues())) or "none"
            raise NotFoundError(
                f"no venue plan for {venue_id!r}", hint=f"known venues: {known}"
            ) from None

    def add_venue(self, path: Path) -> Venue:
        """Validate a venue plan and keep a copy in the data directory."""
        venue = load_venue(path)
        self.venue_dir.mkdir(parents=True, exist_ok=True)
        (self.venue_dir / f"{venue.id}.json").write_text(path.read_text())
        self._venues = None
        return venue

    def crowd(self, session: Session, venue: Venue) -> dict[str, int]:
        """People per area: the latest counts, with full stands where nothing was counted."""
        counts = {a.id: a.capacity for a in venue.sections}
        rows = session.scalars(select(CrowdCountRow).where(CrowdCountRow.venue_id == venue.id))
        for row in rows:
            counts[row.area_id] = row.people
        return counts

    def record_counts(self, session: Session, venue_id: str, counts: Mapping[str, int]) -> None:
        """Store head counts per area (from gates, exits or the twin's pedestrian estimate).

        Raises:
            InputError: for an unknown area or a negative count; nothing is stored then.
        """
        venue = self.venue(venue_id)
        for area_id, people in counts.items():
            venue.area(area_id)
            if people < 0:
                raise InputError(f"count for area {area_id!r} is negative ({people})")
        now = utcnow()
        for area_id, people in counts.items():
            row = session.get(CrowdCountRow, (venue_id, area_id))
            if row is None:
                session.add(CrowdCountRow(venue_id=venue_id, area_id=area_id, people=people,
                                          updated_at=now))  # fmt: skip
            else:
                row.people, row.updated_at = people, now

    def plan(self, session: Session, venue_id: str) -> tuple[Venue, EgressPlan, EgressPlan]:
        """The venue, HostCity's plan for the current crowd, and the nearest-exit plan."""
        venue = self.venue(venue_id)
        crowd = self.crowd(session, venue)
        return venue, quickest_exit_plan(venue, crowd), nearest_exit_plan(venue, crowd)

    def exit_route(self, session: Session, venue_id: str, section: str) -> dict[str, Any]:
        """The recommended way out of ``section`` now, with the path to draw on the plan."""
        venue, plan, nearest = self.plan(session, venue_id)
        area = venue.area(section)
        if area.kind == "exit":
            raise InputError(f"{section!r} is an exit", hint="ask for a section (a stand)")
        routes = plan.for_section(section)
        if not routes:
            routes = quickest_exit_plan(venue, {section: 1}).for_section(section)
        best = routes[0]
        return {
            "venue": venue.id,
            "section": section,
            "exit": best.exit,
            "path": list(best.path),
            "points": [list(venue.area(a).centroid) for a in best.path],
            "walk_s": round(best.walk_s, 1),
            "est_clear_s": round(best.est_clear_s, 1),
            "alternatives": [
                {"exit": r.exit, "share": round(r.share, 3), "path": list(r.path)} for r in routes
            ],
            "venue_clear_s": round(plan.est_evacuation_s, 1),
            "venue_clear_nearest_s": round(nearest.est_evacuation_s, 1),
        }


def write_venue(path: Path, data: Mapping[str, Any]) -> Venue:
    """Validate venue data and write it as JSON."""
    venue = parse_venue(dict(data), source=str(path))
    path.write_text(json.dumps(data, indent=1))
    return venue
