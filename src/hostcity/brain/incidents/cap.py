"""Common Alerting Protocol 1.2 documents for incidents."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime

from hostcity.core.timeutil import as_utc

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
CAP_SEVERITY = {"minor": "Minor", "moderate": "Moderate", "severe": "Severe"}
DEFAULT_RADIUS_KM = 0.1


@dataclass(frozen=True)
class CapIncident:
    """What a CAP alert says about one incident."""

    incident_id: int
    edge_id: str
    lane_id: str
    severity: str
    confidence: float
    status: str
    started_at: datetime
    sent_at: datetime
    lon_lat: tuple[float, float] | None = None
    exercise: bool = False
    """Staged by an operator's exercise: CAP status 'Exercise', not 'Actual'."""


def _cap_time(value: datetime) -> str:
    """CAP wants ``YYYY-MM-DDThh:mm:ss+00:00`` (no fraction, no 'Z')."""
    return as_utc(value).replace(microsecond=0).isoformat()


def _certainty(confidence: float, status: str) -> str:
    if status == "confirmed":
        return "Observed"
    if status == "dismissed":
        return "Unlikely"
    return "Likely" if confidence >= 0.5 else "Possible"


def cap_alert_xml(incident: CapIncident, *, sender: str) -> str:
    """A CAP 1.2 alert for ``incident``.

    Args:
        incident: The incident.
        sender: Who sends the alert, e.g. ``hostcity@city.example``.

    Returns:
        The XML document, UTF-8 declared.
    """
    ET.register_namespace("", CAP_NS)

    def sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
        element = ET.SubElement(parent, f"{{{CAP_NS}}}{tag}")
        if text is not None:
            element.text = text
        return element

    alert = ET.Element(f"{{{CAP_NS}}}alert")
    sub(alert, "identifier", f"hostcity-incident-{incident.incident_id}")
    sub(alert, "sender", sender)
    sub(alert, "sent", _cap_time(incident.sent_at))
    sub(alert, "status", "Exercise" if incident.exercise else "Actual")
    sub(alert, "msgType", "Alert")
    sub(alert, "scope", "Public")
    info = sub(alert, "info")
    sub(info, "language", "en-US")
    sub(info, "category", "Transport")
    sub(info, "event", "Road incident: lane blocked")
    sub(info, "responseType", "Avoid")
    sub(info, "urgency", "Past" if incident.status == "cleared" else "Immediate")
    sub(info, "severity", CAP_SEVERITY.get(incident.severity, "Unknown"))
    sub(info, "certainty", _certainty(incident.confidence, incident.status))
    sub(info, "effective", _cap_time(incident.started_at))
    sub(info, "senderName", "HostCity City Brain")
    sub(info, "headline", f"Lane blocked on road {incident.edge_id}")
    sub(
        info,
        "description",
        f"Traffic detectors show lane {incident.lane_id} blocked since "
        f"{_cap_time(incident.started_at)} (confidence {incident.confidence:.2f}, "
        f"status {incident.status}).",
    )
    area = sub(info, "area")
    sub(area, "areaDesc", f"road {incident.edge_id}, lane {incident.lane_id}")
    if incident.lon_lat is not None:
        lon, lat = incident.lon_lat
        # CAP circle: "lat,lon radius_km" in WGS 84
        sub(area, "circle", f"{lat:.6f},{lon:.6f} {DEFAULT_RADIUS_KM}")
    geocode = sub(area, "geocode")
    sub(geocode, "valueName", "sumo-edge")
    sub(geocode, "value", incident.edge_id)
    return ET.tostring(alert, encoding="unicode", xml_declaration=False).join(
        ('<?xml version="1.0" encoding="UTF-8"?>\n', "\n")
    )
