"""The demo seeder: generate a short multi-camera event once and import it as a set."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

from hostcity.core.db import session_scope
from hostcity.core.errors import HostCityError, NotFoundError
from hostcity.replay.recordings import importing, service

if TYPE_CHECKING:
    from hostcity.core.platform import Platform

log = logging.getLogger(__name__)

DEMO_SET = "demo-speed-skating"
DEMO_SECONDS = 20.0
DEMO_SIZE = (640, 360)


def seed_demo(platform: Platform) -> list[str]:
    """Generate demo footage into the data directory if absent, and import it once.

    A failure (FFmpeg missing, disk full) is reported as a line, so the rest of the demo runs.
    """
    try:
        return _seed(platform)
    except HostCityError as exc:
        log.warning("replay demo footage not available: %s", exc)
        return [f"Replay Studio: no demo set ({exc})"]


def _seed(platform: Platform) -> list[str]:
    from hostcity.replay.recordings.adapters.footage import TRUTH_FILE, write_footage
    from hostcity.replay.recordings.scene import make_scene

    with session_scope(platform.session_factory) as session:
        try:
            found = service.get_set(session, DEMO_SET)
            return [f"Replay Studio: demo set {DEMO_SET!r} with {len(found.cameras)} cameras"]
        except NotFoundError:
            pass
    folder = platform.settings.data_dir / "demo" / "replay-footage"
    truth_path = folder / TRUTH_FILE
    if not truth_path.is_file():
        width, height = DEMO_SIZE
        write_footage(make_scene(seconds=DEMO_SECONDS, width=width, height=height), folder)
    doc = json.loads(truth_path.read_text())
    cams = doc["cameras"]
    files = [folder / c["file"] for c in cams]
    request = importing.ImportRequest(
        name=DEMO_SET,
        files=files,
        cameras=[c["name"] for c in cams],
        positions=[c["position"] for c in cams],
        angles_deg=[c["angle_deg"] for c in cams],
        track=importing.track_from_truth(doc, {c["file"]: c["name"] for c in cams}),
    )
    cset = service.import_set(platform.session_factory, platform.settings.media_dir, request)
    return [f"Replay Studio: imported demo set {DEMO_SET!r} ({len(cset.cameras)} cameras)"]
