"""The faces API end to end: enrol with real photos, gate decisions, erasure, security."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from hostcity.core.db import session_scope
from hostcity.core.platform import Platform
from hostcity.core.timeutil import utcnow
from hostcity.smartpass.faces.adapters.tables import FaceTemplateRow
from hostcity.smartpass.faces.consent import CONSENT_VERSION
from hostcity.smartpass.faces.records import issue_ticket
from hostcity.smartpass.faces.setup import service
from tests.conftest import auth
from tests.smartpass.faces.conftest import Rgb, gate_frame, jpeg, transform


def _tickets(platform: Platform, *specs: tuple[str, str, str | None]) -> None:
    now = utcnow()
    with session_scope(platform.session_factory) as session:
        for ticket_id, venue, session_id in specs:
            issue_ticket(
                session,
                ticket_id=ticket_id,
                venue_id=venue,
                session_id=session_id,
                valid_from=now - timedelta(hours=1),
                valid_to=now + timedelta(days=1),
            )


def _enrol(
    client: TestClient, token: str, photo: Rgb, tickets: str, name: str = "Grace"
) -> dict[str, object]:
    response = client.post(
        "/api/pass/enrol",
        headers=auth(token),
        files=[("photos", ("me.jpg", jpeg(photo), "image/jpeg"))],
        data={
            "name": name,
            "ticket_ids": tickets,
            "consent": "true",
            "consent_version": CONSENT_VERSION,
        },
    )
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    return body


def _verify(client: TestClient, token: str, frame: Rgb, **form: str) -> dict[str, object]:
    response = client.post(
        "/api/pass/gates/g1/verify",
        headers=auth(token),
        files={"frame": ("f.jpg", jpeg(frame), "image/jpeg")},
        data=form,
    )
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def test_enrol_then_admit_at_the_gate_and_deny_a_stranger(
    client: TestClient, platform: Platform, tokens: dict[str, str], hopper: Rgb, astronaut: Rgb
) -> None:
    _tickets(platform, ("T-1", "venue-1", None))
    enrolled = _enrol(client, tokens["fan"], hopper, "T-1")
    assert enrolled["templates"] == 1
    assert "template" not in str(enrolled).replace("'templates'", "")
    admitted = _verify(client, tokens["gate"], gate_frame(transform(hopper, "scale80")))
    assert admitted["decision"] == "admit", admitted
    assert admitted["holder_id"] == enrolled["holder_id"]
    assert admitted["mode"] == "1:N"
    assert admitted["timing_ms"]["total"] > 0  # type: ignore[index]
    stranger = _verify(client, tokens["gate"], gate_frame(astronaut[40:330, 80:370]))
    assert stranger["decision"] != "admit"
    assert stranger["holder_id"] is None
    one_to_one = _verify(
        client, tokens["gate"], gate_frame(transform(hopper, "scale80")), ticket_id="T-1"
    )
    assert (one_to_one["decision"], one_to_one["mode"]) == ("admit", "1:1")
    audit = client.get("/api/pass/gates/audit", headers=auth(tokens["operator"])).json()
    assert [row["decision"] for row in audit][:3] == ["admit", stranger["decision"], "admit"]
    assert all(set(row) >= {"gate_id", "at", "decision", "score"} for row in audit)
    assert audit[1]["holder_id"] is None


def test_templates_are_encrypted_and_erasure_stops_matches(
    client: TestClient, platform: Platform, tokens: dict[str, str], hopper: Rgb
) -> None:
    _tickets(platform, ("T-1", "venue-1", None))
    holder_id = _enrol(client, tokens["fan"], hopper, "T-1")["holder_id"]
    faces = service(platform)
    with session_scope(platform.session_factory) as session:
        row = session.scalars(select(FaceTemplateRow)).one()
        blob, key_id = row.sealed, row.key_id
    assert key_id == "derived"
    template = faces.engine.embed(faces.engine.detect(hopper)[0].chip, flip=True)
    assert len(blob) == 12 + 128 * 4 + 16  # nonce + ciphertext + tag, nothing else
    for dtype in ("<f4", "<f8"):
        raw = template.astype(dtype).tobytes()
        assert raw[:16] not in blob and raw[-16:] not in blob
    blob_floats = np.frombuffer(blob[12 : 12 + 512], dtype="<f4")
    assert not np.allclose(blob_floats, template, atol=1e-3)
    holder = client.get(f"/api/pass/holders/{holder_id}", headers=auth(tokens["fan"])).json()
    assert holder["templates"] == 1 and "sealed" not in str(holder)

    erased = client.delete(f"/api/pass/holders/{holder_id}", headers=auth(tokens["fan"]))
    assert erased.json() == {"holder_id": holder_id, "templates_removed": 1, "erased": True}
    after = _verify(client, tokens["gate"], gate_frame(transform(hopper, "scale80")))
    assert after["decision"] != "admit" and after["holder_id"] is None
    one_to_one = _verify(
        client, tokens["gate"], gate_frame(transform(hopper, "scale80")), ticket_id="T-1"
    )
    assert one_to_one["decision"] != "admit"
    assert faces.gallery().size() == 0
    with session_scope(platform.session_factory) as session:
        assert session.scalars(select(FaceTemplateRow)).all() == []
    log = client.get("/api/pass/erasures", headers=auth(tokens["operator"])).json()
    assert log[0]["holder_id"] == holder_id and log[0]["by_role"] == "fan"
    again = client.delete(f"/api/pass/holders/{holder_id}", headers=auth(tokens["fan"]))
    assert again.status_code == 404


@pytest.mark.slow
def test_gallery_is_rebuilt_from_the_database(
    client: TestClient, platform: Platform, tokens: dict[str, str], hopper: Rgb
) -> None:
    _tickets(platform, ("T-1", "venue-1", None))
    holder_id = _enrol(client, tokens["fan"], hopper, "T-1")["holder_id"]
    faces = service(platform)
    faces._gallery = None  # as after a restart
    assert faces.gallery().holders() == {holder_id}


def test_gate_is_bound_to_its_venue(
    client: TestClient, platform: Platform, tokens: dict[str, str], hopper: Rgb
) -> None:
    _tickets(platform, ("T-2", "venue-2", None))
    _enrol(client, tokens["fan"], hopper, "T-2")
    frame = gate_frame(transform(hopper, "scale80"))
    other = client.post(
        "/api/pass/gates/g1/verify",
        headers=auth(tokens["gate"]),
        files={"frame": ("f.jpg", jpeg(frame), "image/jpeg")},
        data={"venue_id": "venue-2"},
    )
    assert other.status_code == 403
    assert "bound to venue 'venue-1'" in other.json()["message"]
    here = _verify(client, tokens["gate"], frame)
    assert here["decision"] == "deny" and here["venue_id"] == "venue-1"
    ticket_elsewhere = _verify(client, tokens["gate"], frame, ticket_id="T-2")
    assert ticket_elsewhere["decision"] == "deny"
    assert "venue 'venue-2'" in str(ticket_elsewhere["reason"])
    simulated = _verify(client, tokens["operator"], frame, venue_id="venue-2")
    assert simulated["decision"] == "admit"
    fan = client.post(
        "/api/pass/gates/g1/verify",
        headers=auth(tokens["fan"]),
        files={"frame": ("f.jpg", jpeg(frame), "image/jpeg")},
    )
    assert fan.status_code == 403


@pytest.mark.slow
def test_session_and_validity_limit_who_is_admitted(
    client: TestClient, platform: Platform, tokens: dict[str, str], hopper: Rgb
) -> None:
    _tickets(platform, ("T-S1", "venue-1", "session-1"))
    _enrol(client, tokens["fan"], hopper, "T-S1")
    frame = gate_frame(transform(hopper, "scale80"))
    assert _verify(client, tokens["gate"], frame, session_id="session-1")["decision"] == "admit"
    assert _verify(client, tokens["gate"], frame, session_id="session-2")["decision"] == "deny"
    faces = service(platform)
    faces.clock = lambda: utcnow() + timedelta(days=3)
    assert _verify(client, tokens["gate"], frame)["decision"] == "deny"


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        pytest.param("blur4", "blurred", id="blurred"),
        pytest.param("dark", "too dark", id="dark"),
        pytest.param("bright", "overexposed", id="bright"),
        pytest.param("shrink", "px wide", id="small"),
    ],
)
def test_enrolment_rejects_poor_photos_with_the_reason(
    *,
    client: TestClient,
    platform: Platform,
    tokens: dict[str, str],
    astronaut: Rgb,
    kind: str,
    code: str,
) -> None:
    _tickets(platform, ("T-1", "venue-1", None))
    photo = transform(np.ascontiguousarray(astronaut[:300, 80:380]), kind)
    response = client.post(
        "/api/pass/enrol",
        headers=auth(tokens["fan"]),
        files=[("photos", ("p.jpg", jpeg(photo), "image/jpeg"))],
        data={
            "name": "E",
            "ticket_ids": "T-1",
            "consent": "true",
            "consent_version": CONSENT_VERSION,
        },
    )
    assert response.status_code == 422, response.text
    assert code in response.json()["message"]
    feedback = client.post(
        "/api/pass/quality",
        headers=auth(tokens["fan"]),
        files={"photo": ("p.jpg", jpeg(photo), "image/jpeg")},
    ).json()
    assert feedback["ok"] is False


def test_enrolment_input_errors(
    client: TestClient, platform: Platform, tokens: dict[str, str], hopper: Rgb, astronaut: Rgb
) -> None:
    _tickets(platform, ("T-1", "venue-1", None), ("T-9", "venue-1", None))

    def post(photo: bytes, **form: str) -> tuple[int, str]:
        data = {
            "name": "G",
            "ticket_ids": "T-1",
            "consent": "true",
            "consent_version": CONSENT_VERSION,
            **form,
        }
        response = client.post(
            "/api/pass/enrol",
            headers=auth(tokens["fan"]),
            files=[("photos", ("p.jpg", photo, "image/jpeg"))],
            data=data,
        )
        return response.status_code, response.json().get("message", "")

    good = jpeg(hopper)
    assert post(good, consent="false") == (422, "enrolment needs the holder's explicit consent")
    assert post(b"not an image at all")[1].startswith("the photo 1 is not a readable image")
    assert post(b"")[0] == 422
    two = np.concatenate([hopper[:512], transform(astronaut, "identity")], axis=1)
    assert "faces were found" in post(jpeg(two))[1]
    assert "no face" in post(jpeg(np.full((300, 300, 3), 128, np.uint8)))[1]
    assert post(good, ticket_ids="NOPE")[0] == 404
    assert post(good, ticket_ids="")[0] == 422
    assert post(good)[0] == 201
    assert post(good)[0] == 409  # T-1 is already linked
    gate = client.post(
        "/api/pass/enrol",
        headers=auth(tokens["gate"]),
        files=[("photos", ("p.jpg", good, "image/jpeg"))],
        data={"name": "G", "ticket_ids": "T-9", "consent": "true", "consent_version": "v"},
    )
    assert gate.status_code == 403


def test_too_large_uploads_are_refused(
    client: TestClient, platform: Platform, tokens: dict[str, str]
) -> None:
    limit = platform.settings.smartpass.max_image_bytes
    response = client.post(
        "/api/pass/gates/g1/verify",
        headers=auth(tokens["gate"]),
        files={"frame": ("f.jpg", b"\xff" * (limit + 10), "image/jpeg")},
    )
    assert response.status_code == 422
    assert "larger than" in response.json()["message"]


def test_only_the_holder_or_an_operator_may_see_or_erase(
    client: TestClient, platform: Platform, tokens: dict[str, str], hopper: Rgb
) -> None:
    _tickets(platform, ("T-1", "venue-1", None))
    holder_id = _enrol(client, tokens["fan"], hopper, "T-1")["holder_id"]
    from hostcity.core.auth import Role, create_user

    with session_scope(platform.session_factory) as session:
        other = create_user(session, name="other fan", role=Role.FAN).token
    assert client.get(f"/api/pass/holders/{holder_id}", headers=auth(other)).status_code == 403
    assert client.delete(f"/api/pass/holders/{holder_id}", headers=auth(other)).status_code == 403
    assert client.get("/api/pass/holders", headers=auth(other)).json() == []
    assert (
        client.delete(
            f"/api/pass/holders/{holder_id}", headers=auth(tokens["operator"])
        ).status_code
        == 200
    )
    assert client.delete("/api/pass/holders/1").status_code == 401


def test_verification_is_rate_limited(
    client: TestClient, platform: Platform, tokens: dict[str, str]
) -> None:
    faces = service(platform)
    faces.limiter.per_minute = 2
    frame = jpeg(np.full((480, 640, 3), 100, np.uint8))
    codes = [
        client.post(
            "/api/pass/gates/g1/verify",
            headers=auth(tokens["gate"]),
            files={"frame": ("f.jpg", frame, "image/jpeg")},
        ).status_code
        for _ in range(3)
    ]
    assert codes == [200, 200, 429]


def test_consent_text_is_public(client: TestClient) -> None:
    body = client.get("/api/pass/consent").json()
    assert body["version"] == CONSENT_VERSION and "erase" in body["text"]


@pytest.mark.slow
def test_kept_photos_are_encrypted_too(
    platform: Platform, tokens: dict[str, str], hopper: Rgb
) -> None:
    from hostcity.core.auth import authenticate
    from hostcity.smartpass.faces.service import FacesService

    settings = platform.settings.model_copy(
        update={"smartpass": platform.settings.smartpass.model_copy(update={"keep_photos": True})}
    )
    faces = FacesService(settings, platform.session_factory, engine=service(platform).engine)
    _tickets(platform, ("T-1", "venue-1", None))
    photo = jpeg(hopper)
    with session_scope(platform.session_factory) as session:
        fan = authenticate(session, tokens["fan"])
        faces.enrol(
            session,
            actor=fan,
            photos=[photo],
            name="G",
            ticket_ids=["T-1"],
            consent=True,
            consent_version=CONSENT_VERSION,
        )
    with session_scope(platform.session_factory) as session:
        kept = session.scalars(select(FaceTemplateRow)).one().sealed_photo
    assert kept is not None and len(kept) > len(photo)
    assert b"\xff\xd8\xff" not in kept[:64] and photo[100:140] not in kept
