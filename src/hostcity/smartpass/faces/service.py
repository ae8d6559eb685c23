"""The faces service: enrolment, gate decisions, erasure; the gallery is rebuilt from the DB."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy.orm import Session, sessionmaker

from hostcity.core.auth import Principal, Role
from hostcity.core.db import session_scope
from hostcity.core.errors import ConflictError, ForbiddenError, InputError, ValidationFailed
from hostcity.core.settings import Settings
from hostcity.core.timeutil import utcnow
from hostcity.smartpass.faces import quality
from hostcity.smartpass.faces.adapters import store
from hostcity.smartpass.faces.adapters.engine import DetectedFace, EngineOptions, FaceEngine
from hostcity.smartpass.faces.adapters.images import decode_image
from hostcity.smartpass.faces.adapters.tables import FaceGateAuditRow, FaceTicketRow
from hostcity.smartpass.faces.calibration import load_thresholds
from hostcity.smartpass.faces.crypto import KeyRing
from hostcity.smartpass.faces.gallery import Gallery
from hostcity.smartpass.faces.matching import Thresholds, decide, decide_one_to_many, similarity
from hostcity.smartpass.faces.ratelimit import RateLimiter
from hostcity.smartpass.faces.types import Decision, QualityReport

log = logging.getLogger(__name__)

MAX_PHOTOS = 5
ENROL_LIMITS = quality.QualityLimits()
# At a gate the person walks: accept a little more blur and turn, then let the score decide.
GATE_LIMITS = quality.QualityLimits(min_sharpness=12.0, max_yaw_ratio=0.3)


def holder_aad(holder_id: int) -> bytes:
    """Associated data binding a sealed template to its holder (a row swap fails to decrypt)."""
    return f"hostcity-face-holder:{holder_id}".encode()


@dataclass(frozen=True)
class GateRequest:
    """One frame at a gate: where it was taken and, for a 1:1 check, the ticket shown."""

    gate_id: str
    venue_id: str
    frame: bytes
    ticket_id: str | None = None
    session_id: str | None = None


class FacesService:
    """Everything the API and the CLI do with faces; one per platform."""

    def __init__(
        self,
        settings: Settings,
        session_factory: sessionmaker[Session],
        *,
        engine: FaceEngine | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.settings = settings
        self.session_factory = session_factory
        self.engine = engine or FaceEngine(EngineOptions(jitters=settings.smartpass.enrol_jitters))
        self.clock = clock
        self.limiter = RateLimiter(settings.smartpass.rate_limit_per_minute)
        self._keyring: KeyRing | None = None
        self._gallery: Gallery | None = None
        self._lock = threading.Lock()

    @property
    def keyring(self) -> KeyRing:
        """The template keys (built on first use so a bad key fails a request, not start-up)."""
        if self._keyring is None:
            sp = self.settings.smartpass
            self._keyring = KeyRing.from_settings(sp.template_keys, self.settings.secret_key)
        return self._keyring

    @property
    def thresholds(self) -> Thresholds:
        """The decision thresholds in force."""
        return load_thresholds(self.settings)

    def gallery(self) -> Gallery:
        """The 1:N gallery, rebuilt from the database on first use."""
        with self._lock:
            if self._gallery is None:
                self._gallery = self._rebuild()
            return self._gallery

    def _rebuild(self) -> Gallery:
        started = time.perf_counter()
        gallery = Gallery()
        with session_scope(self.session_factory) as session:
            venues: dict[int, list[str]] = {}
            for holder_id, venue_id in store.venue_links(session):
                venues.setdefault(holder_id, []).append(venue_id)
            by_holder: dict[int, list[tuple[int, NDArray[np.float32]]]] = {}
            for stored in store.templates_of(session, holder_ids=venues):
                vector = self.keyring.open(stored.sealed, aad=holder_aad(stored.holder_id))
                by_holder.setdefault(stored.holder_id, []).append((stored.template_id, vector))
        for holder_id, templates in by_holder.items():
            gallery.add(holder_id=holder_id, venue_ids=venues[holder_id], templates=templates)
        log.info(
            "face gallery rebuilt: %d templates in %.2f s",
            gallery.size(),
            time.perf_counter() - started,
        )
        return gallery

    def analyse(
        self, data: bytes, *, limits: quality.QualityLimits = ENROL_LIMITS, what: str = "photo"
    ) -> tuple[DetectedFace | None, QualityReport | None, str]:
        """Decode a photo, find exactly one face and measure it.

        Returns:
            The face (None when not exactly one), its quality report, and an issue sentence
            (empty when the photo is fine).
        """
        rgb = decode_image(data, max_bytes=self.settings.smartpass.max_image_bytes, what=what)
        faces = self.engine.detect(rgb)
        if not faces and max(rgb.shape[:2]) < 800:
            # Small photos: look for smaller faces too, so "too small" is reported precisely.
            faces = self.engine.detect(rgb, upsample=1)
        issue = quality.count_issue(len(faces))
        if issue is not None:
            return None, None, issue.reason
        report = quality.assess(faces[0].chip, faces[0].box, faces[0].landmarks, limits)
        return faces[0], report, "; ".join(i.reason for i in report.issues)

    def check_photo(self, data: bytes) -> dict[str, Any]:
        """The quality feedback of one photo, without enrolling."""
        _face, report, problem = self.analyse(data)
        body: dict[str, Any] = report.to_dict() if report else {"ok": False, "issues": []}
        if problem and not body["issues"]:
            body["issues"] = [{"code": "face_count", "reason": problem}]
        return body

    def enrol(
        self,
        session: Session,
        *,
        actor: Principal,
        photos: list[bytes],
        name: str,
        ticket_ids: list[str],
        consent: bool,
        consent_version: str,
    ) -> dict[str, Any]:
        """Enrol a holder from 1-5 photos that pass the quality checks.

        Raises:
            InputError: without consent, name, tickets or photos, or when a photo fails a check.
            NotFoundError: for an unknown ticket.
            ConflictError: for a ticket already linked to another holder.
            RateLimitedError: when the caller enrols too often.
        """
        self.limiter.check(f"enrol:{actor.user_id}")
        if not consent:
            raise InputError(
                "enrolment needs the holder's explicit consent",
                hint="read the consent text and tick the consent box",
            )
        if not consent_version.strip():
            raise InputError("the consent text version is missing", hint="send consent_version")
        if not name.strip():
            raise InputError("the holder's name is missing", hint="send name")
        tickets = [t.strip() for t in ticket_ids if t.strip()]
        if not tickets:
            raise InputError(
                "at least one ticket or accreditation id is needed",
                hint="send ticket_ids, e.g. T-1001",
            )
        if not 1 <= len(photos) <= MAX_PHOTOS:
            raise InputError(
                f"send 1 to {MAX_PHOTOS} photos; got {len(photos)}",
                hint="one clear frontal photo is enough",
            )
        ticket_rows = [store.get_ticket(session, ticket_id=t) for t in tickets]
        for row in ticket_rows:
            if row.holder_id is not None:
                raise ConflictError(
                    f"ticket {row.id!r} is already linked to an enrolled face",
                    hint="erase the earlier enrolment first, or ask staff",
                )
        faces, reports = self._checked_faces(photos)
        now = self.clock()
        holder = store.create_holder(
            session,
            name=name.strip(),
            user_id=actor.user_id,
            consent_version=consent_version.strip(),
            at=now,
        )
        templates: list[tuple[int, NDArray[np.float32]]] = []
        # Every photo passed the checks (else _checked_faces raised), so faces match photos.
        for face, original in zip(faces, photos, strict=True):
            vector = self.engine.enrolment_template(face.chip)
            sealed = self.keyring.seal(vector, aad=holder_aad(holder.id))
            photo = None
            if self.settings.smartpass.keep_photos:
                photo = self.keyring.seal_bytes(original, aad=holder_aad(holder.id))
            template_id = store.add_template(
                session, holder_id=holder.id, sealed=sealed, sealed_photo=photo
            )
            templates.append((template_id, vector))
        for row in ticket_rows:
            row.holder_id = holder.id
        session.flush()
        self.gallery().add(
            holder_id=holder.id, venue_ids=[r.venue_id for r in ticket_rows], templates=templates
        )
        return {
            "holder_id": holder.id,
            "name": holder.name,
            "tickets": tickets,
            "templates": len(templates),
            "consent_version": holder.consent_version,
            "quality": [r.to_dict() for r in reports],
        }

    def _checked_faces(self, photos: list[bytes]) -> tuple[list[DetectedFace], list[QualityReport]]:
        faces: list[DetectedFace] = []
        reports: list[QualityReport] = []
        problems: list[str] = []
        for number, data in enumerate(photos, start=1):
            face, report, problem = self.analyse(data, what=f"photo {number}")
            if problem or face is None or report is None:
                problems.append(f"photo {number}: {problem}")
                continue
            faces.append(face)
            reports.append(report)
        if problems:
            raise ValidationFailed(
                "; ".join(problems),
                where="photos",
                hint="retake the photo following the advice above",
            )
        return faces, reports

    def verify(self, session: Session, *, actor: Principal, request: GateRequest) -> dict[str, Any]:
        """Decide admit, deny or refer for one gate frame, and log the decision.

        Raises:
            InputError: when the frame is not a readable image.
            RateLimitedError: when the gate calls too often.
        """
        self.limiter.check(f"verify:{actor.user_id}")
        started = time.perf_counter()
        rgb = decode_image(
            request.frame, max_bytes=self.settings.smartpass.max_image_bytes, what="frame"
        )
        faces = self.engine.detect(rgb, fast=True)
        detected_ms = (time.perf_counter() - started) * 1000
        mode = "1:1" if request.ticket_id else "1:N"
        score: float | None = None
        holder_id: int | None = None
        if not faces:
            decision, reason, report = Decision.REFER, "no face in the frame", None
        else:
            face = faces[0]
            report = quality.assess(face.chip, face.box, face.landmarks, GATE_LIMITS)
            probe = self.engine.embed(face.chip, flip=False)
            if request.ticket_id:
                decision, score, holder_id, reason = self._one_to_one(
                    session, request, probe, report.ok
                )
            else:
                decision, score, holder_id, reason = self._one_to_many(
                    session, request, probe, report.ok
                )
            if not report.ok:
                reason = "; ".join([reason, *(i.reason for i in report.issues)]).strip("; ")
        elapsed_ms = (time.perf_counter() - started) * 1000
        admitted = holder_id if decision is Decision.ADMIT else None
        store.add_audit(
            session,
            row=FaceGateAuditRow(
                at=self.clock(),
                gate_id=request.gate_id,
                venue_id=request.venue_id,
                device_user_id=actor.user_id,
                mode=mode,
                decision=decision.value,
                score=score,
                holder_id=admitted,
                reason=reason,
                elapsed_ms=elapsed_ms,
            ),
        )
        return {
            "decision": decision.value,
            "score": None if score is None else round(score, 4),
            "threshold": round(self.thresholds.admit, 4),
            "holder_id": admitted,
            "mode": mode,
            "reason": reason,
            "gate_id": request.gate_id,
            "venue_id": request.venue_id,
            "quality": report.to_dict() if report else None,
            "timing_ms": {"detect": round(detected_ms, 1), "total": round(elapsed_ms, 1)},
        }

    def _one_to_one(
        self, session: Session, request: GateRequest, probe: NDArray[np.float32], quality_ok: bool
    ) -> tuple[Decision, float | None, int | None, str]:
        ticket = session.get(FaceTicketRow, request.ticket_id)
        if ticket is None:
            return Decision.DENY, None, None, f"unknown ticket {request.ticket_id!r}"
        if ticket.venue_id != request.venue_id:
            return Decision.DENY, None, None, f"the ticket is for venue {ticket.venue_id!r}"
        if ticket.holder_id is None:
            return Decision.REFER, None, None, "no face is enrolled for this ticket"
        admitted = store.admitted_holders(
            session,
            holder_ids=[ticket.holder_id],
            venue_id=request.venue_id,
            session_id=request.session_id,
            at=self.clock(),
        )
        if not admitted:
            return Decision.DENY, None, None, "the ticket is not valid here and now"
        templates = store.templates_of(session, holder_ids=[ticket.holder_id])
        if not templates:
            return Decision.REFER, None, None, "no face is enrolled for this ticket"
        aad = holder_aad(ticket.holder_id)
        score = max(similarity(probe, self.keyring.open(t.sealed, aad=aad)) for t in templates)
        decision = decide(score, self.thresholds, quality_ok=quality_ok)
        return decision, score, ticket.holder_id, self._reason(decision)

    def _one_to_many(
        self, session: Session, request: GateRequest, probe: NDArray[np.float32], quality_ok: bool
    ) -> tuple[Decision, float | None, int | None, str]:
        candidates = self.gallery().search(request.venue_id, probe)
        admitted = store.admitted_holders(
            session,
            holder_ids=candidates,
            venue_id=request.venue_id,
            session_id=request.session_id,
            at=self.clock(),
        )
        scores = {h: s for h, s in candidates.items() if h in admitted}
        if not scores:
            decision = decide(None, self.thresholds, quality_ok=quality_ok)
            return decision, None, None, "nobody admitted here matches"
        best = max(scores, key=lambda h: scores[h])
        decision = decide_one_to_many(list(scores.values()), self.thresholds, quality_ok=quality_ok)
        return decision, scores[best], best, self._reason(decision)

    @staticmethod
    def _reason(decision: Decision) -> str:
        return {
            Decision.ADMIT: "the face matches",
            Decision.REFER: "uncertain match: staff check the ticket",
            Decision.DENY: "the face does not match",
        }[decision]

    def erase(self, session: Session, *, holder_id: int, actor: Principal | None) -> dict[str, Any]:
        """Erase a holder's face data from the database and the gallery at once, and log it.

        Args:
            session: The unit of work.
            holder_id: Whom to erase.
            actor: The caller; a fan may erase only their own enrolment; None is the CLI.

        Raises:
            NotFoundError: for an unknown holder.
            ForbiddenError: when a fan erases someone else.
        """
        holder = store.get_holder(session, holder_id=holder_id)
        if (
            actor is not None
            and actor.role is not Role.OPERATOR
            and holder.user_id != actor.user_id
        ):
            raise ForbiddenError(
                "only the holder who enrolled or an operator may erase a face",
                hint="log in with the token used to enrol, or ask an operator",
            )
        template_ids = store.delete_holder(session, holder_id=holder_id)
        self.gallery().remove_holder(holder_id)
        store.add_erasure(
            session,
            holder_id=holder_id,
            by_user_id=actor.user_id if actor else None,
            by_role=actor.role.value if actor else "cli",
            templates_removed=len(template_ids),
            at=self.clock(),
        )
        log.info("erased face holder %d (%d templates)", holder_id, len(template_ids))
        return {"holder_id": holder_id, "templates_removed": len(template_ids), "erased": True}
