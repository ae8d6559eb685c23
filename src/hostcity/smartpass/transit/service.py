"""The transit service: import feeds into the data dir, and plan journeys over them."""

from __future__ import annotations

import re
import shutil
import threading
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from hostcity.core.timeutil import utcnow
from hostcity.smartpass.transit.adapters.feedfiles import read_feed_zip
from hostcity.smartpass.transit.adapters.store import get_feed_row, list_feed_rows, save_feed_row
from hostcity.smartpass.transit.adapters.tables import TransitFeedRow
from hostcity.smartpass.transit.errors import FeedNotFoundError, OutsideAreaError
from hostcity.smartpass.transit.gtfs import parse_feed
from hostcity.smartpass.transit.lines import line_patterns
from hostcity.smartpass.transit.planner import Network, journeys_json, plan, prepare
from hostcity.smartpass.transit.shapes import thin
from hostcity.smartpass.transit.types import LatLon, TripParams
from hostcity.smartpass.transit.walking import StraightLineWalk, WalkModel


def parse_depart(text: str) -> datetime:
    """An ISO-8601 departure; one without an offset is read later in the feed's zone.

    Raises:
        InputError: when ``text`` is not ISO-8601.
    """
    from hostcity.core.errors import InputError

    try:
        return datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise InputError(
            f"departure {text!r} is not an ISO-8601 time",
            hint="write it like 2026-02-10T08:30:00+01:00",
        ) from exc


def parse_point(text: str, label: str) -> LatLon:
    """A 'lat,lon' option.

    Raises:
        InputError: naming the option and the expected form.
    """
    from hostcity.core.errors import InputError

    try:
        return LatLon.parse(text)
    except ValueError as exc:
        raise InputError(f"'{label}' {exc}", hint="write it as lat,lon e.g. 52.44,13.51") from exc


def localize(depart: datetime, zone: str) -> datetime:
    """``depart`` as an aware time; a naive one is taken as local time in ``zone``."""
    return depart if depart.tzinfo else depart.replace(tzinfo=ZoneInfo(zone))


def feed_id_for(name: str) -> str:
    """A stable id from a feed's name: lower case letters, digits and dashes."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return (slug or "feed")[:64]


class TransitService:
    """Imports GTFS feeds and plans door-to-door journeys over them.

    Args:
        data_dir: Where imported feeds are kept (under ``transit/``).
        params: Walking and changing parameters.
    """

    def __init__(self, data_dir: Path, params: TripParams | None = None) -> None:
        self.feeds_dir = data_dir / "transit" / "feeds"
        self.params = params or TripParams()
        self._networks: dict[tuple[str, str], Network] = {}
        self._maps: dict[tuple[str, str], dict[str, Any]] = {}  # line_map, per feed version
        self._walks: dict[str, WalkModel] = {}
        self._lock = threading.Lock()

    def walk_model(self, street_net: Path | None) -> WalkModel:
        """Walking along ``street_net`` when given, else straight line times the detour factor."""
        if street_net is None:
            return StraightLineWalk(self.params.detour_factor)
        key = str(street_net)
        with self._lock:
            if key not in self._walks:
                from hostcity.smartpass.transit.adapters.streets import StreetWalk

                self._walks[key] = StreetWalk(street_net, self.params.detour_factor)
            return self._walks[key]

    def load_file(self, path: Path, *, street_net: Path | None = None) -> Network:
        """Parse, validate and index a GTFS zip without importing it.

        Raises:
            GtfsError: naming the file, line and field at fault.
        """
        feed = parse_feed(read_feed_zip(path), name=path.stem)
        return prepare(feed, self.walk_model(street_net), self.params)

    def import_feed(
        self,
        session: Session,
        path: Path,
        *,
        name: str | None = None,
        street_net: Path | None = None,
    ) -> dict[str, Any]:
        """Validate a GTFS zip, keep a copy in the data dir, and register it.

        Importing a feed of the same name again replaces it.

        Raises:
            GtfsError: naming the file, line and field at fault.
            InputError: when ``street_net`` is not a usable SUMO network.
        """
        feed = parse_feed(read_feed_zip(path), name=name or path.stem)
        if street_net is not None:
            self.walk_model(street_net)  # fail now, not at the first journey, on a bad network
        net = prepare(feed, StraightLineWalk(self.params.detour_factor), self.params)
        feed_id = feed_id_for(feed.name)
        self.feeds_dir.mkdir(parents=True, exist_ok=True)
        stored = self.feeds_dir / f"{feed_id}.zip"
        if path.resolve() != stored.resolve():
            shutil.copyfile(path, stored)
        box = net.area()
        row = save_feed_row(
            session,
            TransitFeedRow(
                id=feed_id,
                name=feed.name,
                agency=feed.agency,
                timezone=feed.timezone,
                file_path=str(stored),
                street_net=str(street_net) if street_net else None,
                first_day=net.first_day,
                last_day=net.last_day,
                stop_count=len(feed.stops),
                trip_count=len(feed.trips),
                imported_at=utcnow(),
                **box,
            ),
        )
        with self._lock:
            for key in [k for k in self._networks if k[0] == feed_id]:
                del self._networks[key]
            for key in [k for k in self._maps if k[0] == feed_id]:
                del self._maps[key]
        return feed_summary(row)

    def feeds(self, session: Session) -> list[dict[str, Any]]:
        """Every imported feed."""
        return [feed_summary(row) for row in list_feed_rows(session)]

    def network(self, row: TransitFeedRow) -> Network:
        """The indexed network of an imported feed, loaded once."""
        key = (row.id, row.imported_at.isoformat())
        with self._lock:
            cached = self._networks.get(key)
        if cached is not None:
            return cached
        net = self.load_file(
            Path(row.file_path), street_net=Path(row.street_net) if row.street_net else None
        )
        net.feed.name = row.name
        with self._lock:
            self._networks[key] = net
        return net

    def _row(self, session: Session, feed_id: str) -> TransitFeedRow:
        row = get_feed_row(session, feed_id)
        if row is None:
            raise FeedNotFoundError(
                f"no imported feed {feed_id!r}", hint="list feeds with GET /api/pass/feeds"
            )
        return row

    def stops(self, session: Session, feed_id: str) -> list[dict[str, Any]]:
        """The stops of an imported feed, for pickers and maps.

        Raises:
            FeedNotFoundError: for an unknown feed.
        """
        index = self.network(self._row(session, feed_id)).stops
        return [
            {"stop_id": sid, "name": name, "lat": float(lat), "lon": float(lon)}
            for sid, name, lat, lon in zip(
                index.stop_ids, index.names, index.lats, index.lons, strict=True
            )
        ]

    def line_map(self, session: Session, feed_id: str) -> dict[str, Any]:
        """What a map of the feed draws: its lines (along their shapes) and the streets walked.

        ``streets`` is empty for a feed walked in straight lines.

        Raises:
            FeedNotFoundError: for an unknown feed.
        """
        row = self._row(session, feed_id)
        key = (row.id, row.imported_at.isoformat())
        with self._lock:
            cached = self._maps.get(key)
        if cached is not None:
            return cached
        drawn = self._draw_map(self.network(row), feed_id)
        with self._lock:
            self._maps[key] = drawn
        return drawn

    def _draw_map(self, net: Network, feed_id: str) -> dict[str, Any]:
        stops = net.feed.stops
        patterns, truncated = line_patterns(net.feed)
        draw = getattr(net.walk, "street_lines", None)
        return {
            "feed": feed_id,
            "lines": [
                {
                    "route_id": p.route_id,
                    "name": p.name,
                    "colour": p.colour,
                    "trips": p.trips,
                    "stops": [[stops[s].lat, stops[s].lon] for s in p.stop_ids],
                    # along the GTFS shape where the feed has one, else stop to stop
                    "path": thin(net.feed.shapes[p.shape_id], 25.0) if p.shape_id else None,
                }
                for p in patterns
            ],
            "truncated": truncated,
            "streets": draw() if draw else [],
        }

    def journeys(
        self, session: Session, origin: LatLon, destination: LatLon, depart: datetime
    ) -> dict[str, Any]:
        """Journeys over the imported feed whose area holds both points.

        Raises:
            FeedNotFoundError: when no feed is imported.
            OutsideAreaError: when no feed's area holds both points.
            OutsideServiceError: when ``depart`` is outside that feed's dates.
        """
        rows = list_feed_rows(session)
        if not rows:
            raise FeedNotFoundError(
                "no GTFS feed is imported",
                hint="import one with 'hostcity pass import-gtfs FEED.zip'",
            )
        for row in rows:
            net = self.network(row)
            if net.covers(origin) and net.covers(destination):
                return plan_json(net, origin, destination, depart)
        areas = "; ".join(
            f"{r.name}: lat {r.min_lat:.3f}..{r.max_lat:.3f}, lon {r.min_lon:.3f}..{r.max_lon:.3f}"
            for r in rows
        )
        raise OutsideAreaError(
            f"no imported feed serves both {origin.lat:.5f},{origin.lon:.5f} and "
            f"{destination.lat:.5f},{destination.lon:.5f}",
            hint=f"pick points inside a feed's area ({areas})",
        )


def plan_json(
    net: Network, origin: LatLon, destination: LatLon, depart: datetime
) -> dict[str, Any]:
    """Plan on one network and return the journeys as JSON-ready data."""
    tt, plans = plan(net, origin, destination, localize(depart, net.feed.timezone))
    return journeys_json(net, tt, plans, origin, destination)


def feed_summary(row: TransitFeedRow) -> dict[str, Any]:
    """What callers see of an imported feed."""
    return {
        "id": row.id,
        "name": row.name,
        "agency": row.agency,
        "timezone": row.timezone,
        "first_day": row.first_day.isoformat(),
        "last_day": row.last_day.isoformat(),
        "stops": row.stop_count,
        "trips": row.trip_count,
        "walking": "street-network" if row.street_net else "straight-line",
        "area": {
            "min_lat": row.min_lat,
            "max_lat": row.max_lat,
            "min_lon": row.min_lon,
            "max_lon": row.max_lon,
        },
        "imported_at": row.imported_at.isoformat(),
    }
