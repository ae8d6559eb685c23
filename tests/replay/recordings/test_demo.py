"""The demo seeder: generates footage once, imports it once, and is cheap to register."""

from __future__ import annotations

import pytest

from hostcity.core.db import session_scope
from hostcity.core.platform import Platform
from hostcity.replay.recordings import demo, service
from hostcity.replay.recordings.setup import SERVICE_NAME, Recordings


def test_registration_adds_service_job_and_seeder(platform: Platform) -> None:
    assert isinstance(platform.service(SERVICE_NAME), Recordings)
    assert "replay.import_set" in platform.jobs.registry.kinds()
    assert demo.seed_demo in platform.demo_seeders
    assert platform.service(SERVICE_NAME).list_sets() == []


def test_seeder_generates_and_imports_once(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(demo, "DEMO_SIZE", (160, 90))
    monkeypatch.setattr(demo, "DEMO_SECONDS", 12.0)
    lines = demo.seed_demo(platform)
    assert "imported demo set" in lines[0]
    footage = platform.settings.data_dir / "demo" / "replay-footage"
    stamp = (footage / "cam1.mp4").stat().st_mtime_ns
    again = demo.seed_demo(platform)
    assert "4 cameras" in again[0]
    assert (footage / "cam1.mp4").stat().st_mtime_ns == stamp
    with session_scope(platform.session_factory) as session:
        cset = service.get_set(session, demo.DEMO_SET)
    assert cset.action_track is not None
    assert [c.angle_deg for c in cset.cameras] == [270.0, 0.0, 90.0, 180.0]
    assert platform.service(SERVICE_NAME).get_set(cset.id) == cset


def test_seeder_failure_is_a_line_not_a_crash(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hostcity.core.errors import DependencyError
    from hostcity.replay.recordings.adapters import footage

    def broken(*_args: object, **_kwargs: object) -> None:
        raise DependencyError("FFmpeg is not available")

    monkeypatch.setattr(footage, "write_footage", broken)
    lines = demo.seed_demo(platform)
    assert lines == ["Replay Studio: no demo set (FFmpeg is not available)"]
    with session_scope(platform.session_factory) as session:
        assert service.list_sets(session) == []
