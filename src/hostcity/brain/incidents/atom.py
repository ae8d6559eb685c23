"""An Atom index of the open incidents' CAP alerts, as alert aggregators read them.

Aggregators poll one feed and fetch each entry's CAP document from its link (the way public
alert hubs take in CAP); webhooks push the same documents as incidents are raised.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from hostcity.core.timeutil import as_utc

ATOM_NS = "http://www.w3.org/2005/Atom"
GEORSS_NS = "http://www.georss.org/georss"


@dataclass(frozen=True)
class FeedEntry:
    """One alert in the index: the incident and where its CAP document is."""

    incident_id: int
    headline: str
    summary: str
    updated_at: datetime
    cap_url: str
    lon_lat: tuple[float, float] | None = None


def _time(value: datetime) -> str:
    return as_utc(value).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def atom_index(entries: Sequence[FeedEntry], *, feed_url: str, updated_at: datetime) -> str:
    """The Atom feed listing ``entries``, newest first as given.

    Args:
        entries: The alerts to list.
        feed_url: The feed's own absolute URL (its id and ``self`` link).
        updated_at: When the feed last changed (the newest entry, or now when empty).
    """
    ET.register_namespace("", ATOM_NS)
    ET.register_namespace("georss", GEORSS_NS)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
        if text is not None:
            element.text = text
        return element

    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    sub(feed, "id", feed_url)
    sub(feed, "title", "HostCity City Brain: road incidents (CAP 1.2)")
    sub(feed, "updated", _time(updated_at))
    author = sub(feed, "author")
    sub(author, "name", "HostCity City Brain")
    sub(feed, "link", rel="self", href=feed_url, type="application/atom+xml")
    for entry in entries:
        item = sub(feed, "entry")
        sub(item, "id", f"hostcity-incident-{entry.incident_id}")
        sub(item, "title", entry.headline)
        sub(item, "updated", _time(entry.updated_at))
        sub(item, "summary", entry.summary)
        sub(item, "link", rel="alternate", href=entry.cap_url, type="application/cap+xml")
        if entry.lon_lat is not None:
            point = ET.SubElement(item, f"{{{GEORSS_NS}}}point")
            point.text = f"{entry.lon_lat[1]:.6f} {entry.lon_lat[0]:.6f}"  # GeoRSS: lat lon
    body = ET.tostring(feed, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}'
