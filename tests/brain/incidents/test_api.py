"""The incident API: roles, listing, decisions, CAP download, webhooks, and stored alarms."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from hostcity.brain.incidents.cap import CAP_NS
from hostcity.brain.incidents.service import IncidentService
from hostcity.brain.incidents.setup import SERVICE
from hostcity.brain.incidents.types import Alarm, DetectorNode
from hostcity.brain.twin.types import DetectorSpec
from hostcity.core.db import session_scope
from hostcity.core.platform import Platform
from tests.conftest import auth

BASE = "/api/brain/incidents"


def _report(client: TestClient, token: str, **body: object) -> dict[str, object]:
    payload = {"edge_id": "e1", "lane_id": "e1_0", "severity": "severe", "lon": 13.4, "lat": 52.5}
    payload.update(body)
    response = client.post(BASE, json=payload, headers=auth(token))
    assert response.status_code == 201, response.text
    data: dict[str, object] = response.json()
    return data


def test_operator_reports_lists_and_confirms(
    incidents_client: TestClient, tokens: dict[str, str]
) -> None:
    made = _report(incidents_client, tokens["operator"])
    listed = incidents_client.get(BASE, headers=auth(tokens["fan"])).json()["incidents"]
    assert [i["id"] for i in listed] == [made["id"]]
    assert listed[0]["status"] == "raised"
    response = incidents_client.post(
        f"{BASE}/{made['id']}/confirm", headers=auth(tokens["operator"])
    )
    assert response.status_code == 200
    assert response.json()["status"] == "confirmed"
    again = incidents_client.post(f"{BASE}/{made['id']}/confirm", headers=auth(tokens["operator"]))
    assert again.status_code == 409
    open_ = incidents_client.get(f"{BASE}?status=open", headers=auth(tokens["operator"]))
    assert len(open_.json()["incidents"]) == 1


OPERATOR_ONLY = [
    ("post", BASE, {"edge_id": "e1"}),
    ("post", f"{BASE}/1/confirm", None),
    ("post", f"{BASE}/1/dismiss", None),
    ("post", f"{BASE}/webhooks", {"url": "https://a.example/x"}),
    ("get", f"{BASE}/webhooks", None),
]


@pytest.mark.parametrize("role", [pytest.param("fan", id="fan"), pytest.param("gate", id="gate")])
def test_only_operators_decide_and_manage_webhooks(
    incidents_client: TestClient, tokens: dict[str, str], role: str
) -> None:
    for method, path, body in OPERATOR_ONLY:
        response = incidents_client.request(method, path, json=body, headers=auth(tokens[role]))
        assert response.status_code == 403, (method, path)


def test_anonymous_callers_are_refused(incidents_client: TestClient) -> None:
    assert incidents_client.get(BASE).status_code == 401
    assert incidents_client.get(f"{BASE}/1/cap.xml").status_code == 401


def test_dismissal_damps_the_detector(
    incidents_client: TestClient, incidents_platform: Platform, tokens: dict[str, str]
) -> None:
    made = _report(incidents_client, tokens["operator"], detector_id="loop-7")
    response = incidents_client.post(
        f"{BASE}/{made['id']}/dismiss", headers=auth(tokens["operator"])
    )
    assert response.json()["status"] == "dismissed"
    service: IncidentService = incidents_platform.service(SERVICE)
    with session_scope(incidents_platform.session_factory) as session:
        assert service.damping(session) == {"loop-7": 1.5}


def test_operators_see_and_reset_the_damping_dismissals_set(
    incidents_client: TestClient, tokens: dict[str, str]
) -> None:
    operator, fan = auth(tokens["operator"]), auth(tokens["fan"])
    assert incidents_client.get(f"{BASE}/damping", headers=fan).json() == {"detectors": []}
    for _ in range(2):
        made = _report(incidents_client, tokens["operator"], detector_id="loop-7")
        incidents_client.post(f"{BASE}/{made['id']}/dismiss", headers=operator)
    [damped] = incidents_client.get(f"{BASE}/damping", headers=fan).json()["detectors"]
    assert (damped["detector"], damped["damping"], damped["max_damping"]) == ("loop-7", 2.25, 8.0)
    assert incidents_client.delete(f"{BASE}/damping/loop-7", headers=fan).status_code == 403
    missing = incidents_client.delete(f"{BASE}/damping/loop-9", headers=operator)
    assert missing.status_code == 404
    assert "not damped" in missing.json()["message"] and "damping" in missing.json()["hint"]
    reset = incidents_client.delete(f"{BASE}/damping/loop-7", headers=operator)
    assert reset.json() == {"detector": "loop-7", "damping": 1.0}
    assert incidents_client.get(f"{BASE}/damping", headers=fan).json() == {"detectors": []}


def test_cap_download_is_cap_1_2(incidents_client: TestClient, tokens: dict[str, str]) -> None:
    made = _report(incidents_client, tokens["operator"])
    response = incidents_client.get(f"{BASE}/{made['id']}/cap.xml", headers=auth(tokens["fan"]))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/cap+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{{{CAP_NS}}}alert"
    assert root.findtext(f"{{{CAP_NS}}}info/{{{CAP_NS}}}category") == "Transport"


@pytest.mark.parametrize(
    ("path", "status"),
    [
        pytest.param(f"{BASE}/999", 404, id="unknown-id"),
        pytest.param(f"{BASE}/999/cap.xml", 404, id="unknown-cap"),
        pytest.param(f"{BASE}?status=bogus", 422, id="bad-status"),
    ],
)
def test_bad_lookups(
    incidents_client: TestClient, tokens: dict[str, str], path: str, status: int
) -> None:
    assert incidents_client.get(path, headers=auth(tokens["operator"])).status_code == status


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"edge_id": "e1", "severity": "apocalyptic"}, id="bad-severity"),
        pytest.param({"edge_id": "e1", "confidence": 2.0}, id="bad-confidence"),
        pytest.param({"lane_id": "x"}, id="no-edge"),
    ],
)
def test_bad_reports_are_refused(
    incidents_client: TestClient, tokens: dict[str, str], body: dict[str, object]
) -> None:
    response = incidents_client.post(BASE, json=body, headers=auth(tokens["operator"]))
    assert response.status_code == 422


def test_webhooks_are_validated_listed_and_removed(
    incidents_client: TestClient, tokens: dict[str, str]
) -> None:
    headers = auth(tokens["operator"])
    bad = incidents_client.post(
        f"{BASE}/webhooks", json={"url": "ftp://x.example/"}, headers=headers
    )
    assert bad.status_code == 422
    assert "http" in bad.json()["message"]
    made = incidents_client.post(
        f"{BASE}/webhooks", json={"url": "https://ops.example/hook"}, headers=headers
    )
    assert made.status_code == 201
    dup = incidents_client.post(
        f"{BASE}/webhooks", json={"url": "https://ops.example/hook"}, headers=headers
    )
    assert dup.status_code == 409
    listed = incidents_client.get(f"{BASE}/webhooks", headers=headers).json()["webhooks"]
    assert [w["url"] for w in listed] == ["https://ops.example/hook"]
    gone = incidents_client.delete(f"{BASE}/webhooks/{made.json()['id']}", headers=headers)
    assert gone.status_code == 204
    assert incidents_client.get(f"{BASE}/webhooks", headers=headers).json()["webhooks"] == []


def test_detector_alarms_are_stored_with_location_and_sent_to_webhooks(
    incidents_platform: Platform,
) -> None:
    service: IncidentService = incidents_platform.service(SERVICE)
    sent: list[tuple[str, bytes]] = []
    service.dispatcher.enqueue = lambda url, body: sent.append((url, body)) or True  # type: ignore[method-assign]
    with session_scope(incidents_platform.session_factory) as session:
        service.add_webhook(session, "https://ops.example/hook")
    graph = {"d1": DetectorNode("d1", "e1", "e1_0", lon_lat=(13.4, 52.5), xy=(10.0, 20.0))}
    alarm = Alarm("d1", "e1", "e1_0", 100.0, 130.0, "moderate", 0.7, {"persistence_intervals": 3})
    origin = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)
    [view] = service.record_alarms([alarm], clock_origin=origin, graph=graph)
    assert view.started_at == datetime(2026, 7, 1, 8, 1, 40, tzinfo=UTC)
    assert view.lon_lat == (13.4, 52.5)
    assert view.xy == (10.0, 20.0)
    assert [url for url, _ in sent] == ["https://ops.example/hook"]
    assert ET.fromstring(sent[0][1]).tag == f"{{{CAP_NS}}}alert"


def test_exercises_are_booked_by_operators_at_known_loops_of_a_running_twin(
    incidents_client: TestClient, incidents_platform: Platform, tokens: dict[str, str]
) -> None:
    operator, fan = auth(tokens["operator"]), auth(tokens["fan"])
    url = f"{BASE}/exercises"
    unknown = incidents_client.post(url, json={"detector": "nope"}, headers=operator)
    assert unknown.status_code == 404
    assert "GET /api/brain/detectors" in unknown.json()["hint"]
    twin = incidents_platform.service("brain.twin")
    twin.detectors = [DetectorSpec("d1", "J1", "e1_0", "e1", 0, 40.0)]
    stopped = incidents_client.post(url, json={"detector": "d1"}, headers=operator)
    assert stopped.status_code == 409
    assert "not running" in stopped.json()["message"]
    service: IncidentService = incidents_platform.service(SERVICE)
    service.exercises.sim_s = 500.0  # as the twin's hook does while a run is on
    assert incidents_client.post(url, json={"detector": "d1"}, headers=fan).status_code == 403
    too_long = incidents_client.post(url, json={"detector": "d1", "minutes": 90}, headers=operator)
    assert too_long.status_code == 422
    assert "1 to 30 minutes" in too_long.json()["message"]
    made = incidents_client.post(url, json={"detector": "d1", "minutes": 2}, headers=operator)
    assert made.status_code == 201, made.text
    assert made.json()["state"] == "waiting" and made.json()["edge"] == "e1"
    listed = incidents_client.get(url, headers=fan).json()
    assert listed["twin_running"] is True
    assert listed["detection_learning_s"] is None  # no loop reading has come yet
    assert listed["summary"] == {"stalled": 0, "detected": 0, "mean_detected_after_s": None}
    assert [e["id"] for e in listed["exercises"]] == [made.json()["id"]]


def test_an_exercise_incident_says_so_in_cap_and_its_dismissal_does_not_damp(
    incidents_client: TestClient, incidents_platform: Platform, tokens: dict[str, str]
) -> None:
    service: IncidentService = incidents_platform.service(SERVICE)
    service.exercises.sim_s = 100.0
    exercise = service.exercises.start("d1", "e1_0", "e1", 5)
    service.exercises.update(exercise, state="stalled", vehicle="v", stalled_s=100.0)
    service.exercises.sim_s = 150.0
    alarm = Alarm("d1", "e1", "e1_0", 100.0, 130.0, "moderate", 0.7, {})
    [view] = service.record_alarms([alarm], clock_origin=datetime(2026, 7, 1, tzinfo=UTC))
    headers = auth(tokens["operator"])
    listed = incidents_client.get(BASE, headers=headers).json()["incidents"]
    assert listed[0]["exercise"] == exercise.id
    cap = incidents_client.get(f"{BASE}/{view.id}/cap.xml", headers=headers).text
    assert ET.fromstring(cap).find(f"{{{CAP_NS}}}status").text == "Exercise"  # type: ignore[union-attr]
    assert incidents_client.post(f"{BASE}/{view.id}/dismiss", headers=headers).status_code == 200
    with session_scope(incidents_platform.session_factory) as session:
        assert service.damping(session) == {}
    # an ordinary incident is 'Actual' and its dismissal damps its detector
    [real] = service.record_alarms([alarm], clock_origin=datetime(2026, 7, 1, tzinfo=UTC))
    cap = incidents_client.get(f"{BASE}/{real.id}/cap.xml", headers=headers).text
    assert ET.fromstring(cap).find(f"{{{CAP_NS}}}status").text == "Actual"  # type: ignore[union-attr]
    incidents_client.post(f"{BASE}/{real.id}/dismiss", headers=headers)
    with session_scope(incidents_platform.session_factory) as session:
        assert set(service.damping(session)) == {"d1"}


def test_open_incidents_are_listed_in_an_atom_feed_linking_their_cap_alerts(
    incidents_client: TestClient, tokens: dict[str, str]
) -> None:
    first = _report(incidents_client, tokens["operator"], edge_id="e1")
    second = _report(incidents_client, tokens["operator"], edge_id="e2")
    headers = auth(tokens["operator"])
    incidents_client.post(f"{BASE}/{second['id']}/dismiss", headers=headers)  # closed: left out
    response = incidents_client.get(f"{BASE}/alerts.atom", headers=auth(tokens["fan"]))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/atom+xml")
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{atom}feed"
    assert feed.find(f"{atom}link").get("href").endswith("/alerts.atom")  # type: ignore[union-attr]
    entries = feed.findall(f"{atom}entry")
    assert [e.find(f"{atom}id").text for e in entries] == [  # type: ignore[union-attr]
        f"hostcity-incident-{first['id']}"
    ]
    link = entries[0].find(f"{atom}link")
    assert link is not None and link.get("type") == "application/cap+xml"
    href = link.get("href") or ""
    assert href.startswith("http") and href.endswith(f"/incidents/{first['id']}/cap.xml")
    point = entries[0].find("{http://www.georss.org/georss}point")
    assert point is not None and point.text == "52.500000 13.400000"  # GeoRSS: lat lon
    # the link is the incident's CAP alert
    path = href.split("://", 1)[1].split("/", 1)[1]
    cap = incidents_client.get(f"/{path}", headers=headers)
    assert ET.fromstring(cap.content).tag == f"{{{CAP_NS}}}alert"
    assert incidents_client.get(f"{BASE}/alerts.atom").status_code == 401
