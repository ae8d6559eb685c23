"""Registers the faces feature on the platform: the service, its warm-up worker, demo tickets."""

from __future__ import annotations

import contextlib
import logging
import threading
from datetime import timedelta
from typing import TYPE_CHECKING

from hostcity.core.db import session_scope
from hostcity.core.errors import ConflictError, HostCityError
from hostcity.core.timeutil import utcnow

if TYPE_CHECKING:
    from hostcity.core.platform import Platform
    from hostcity.smartpass.faces.service import FacesService

log = logging.getLogger(__name__)

SERVICE = "smartpass.faces"
DEMO_TICKETS = (("T-1001", "venue-1"), ("T-1002", "venue-1"), ("T-2001", "venue-2"))


def service(platform: Platform) -> FacesService:
    """The faces service of ``platform``."""
    found: FacesService = platform.service(SERVICE)
    return found


class FacesWarmUp:
    """Loads the dlib models and rebuilds the 1:N gallery from the database in the background."""

    name = "faces-warm-up"

    def __init__(self, faces: FacesService) -> None:
        self._faces = faces
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start warming up; returns at once."""
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._faces.engine.warm_up()
            self._faces.gallery()
        except HostCityError as exc:
            log.warning("face gates not ready: %s", exc)

    def stop(self) -> None:
        """Wait for the warm-up to end."""
        if self._thread is not None:
            self._thread.join(timeout=30)


def seed_demo(platform: Platform) -> list[str]:
    """Issue demo tickets (valid for a year) so the kiosk and gate simulator can be tried."""
    from hostcity.smartpass.faces.records import issue_ticket

    now = utcnow()
    with session_scope(platform.session_factory) as session:
        for ticket_id, venue_id in DEMO_TICKETS:
            with contextlib.suppress(ConflictError):  # already issued by an earlier demo run
                issue_ticket(
                    session,
                    ticket_id=ticket_id,
                    venue_id=venue_id,
                    valid_from=now - timedelta(days=1),
                    valid_to=now + timedelta(days=365),
                )
    ids = ", ".join(f"{t} ({v})" for t, v in DEMO_TICKETS)
    return [f"Smart Pass faces: demo tickets {ids}; operators can simulate any venue's gate"]


def register(platform: Platform) -> None:
    """Add the faces service, its warm-up worker and its demo seeder (nothing heavy runs here)."""
    from hostcity.smartpass.faces.service import FacesService

    faces = FacesService(platform.settings, platform.session_factory)
    platform.services[SERVICE] = faces
    platform.workers.append(FacesWarmUp(faces))
    platform.demo_seeders.append(seed_demo)
