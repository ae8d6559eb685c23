"""The recordings service on a real database: import, look-up, offsets, highlights."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hostcity.core.db import session_scope
from hostcity.core.errors import ConflictError, InputError, NotFoundError, StorageError
from hostcity.core.platform import Platform
from hostcity.replay.recordings import highlights as hl
from hostcity.replay.recordings import importing, service
from tests.replay.recordings import media_files


def _import(platform: Platform, request: importing.ImportRequest) -> Any:
    return service.import_set(platform.session_factory, platform.settings.media_dir, request)


def _set_folders(platform: Platform) -> list[Path]:
    root = platform.settings.media_dir / "recordings"
    return list(root.iterdir()) if root.is_dir() else []


def test_import_generated_footage_end_to_end(
    platform: Platform, footage: tuple[Path, dict[str, Any]], footage_files: list[Path]
) -> None:
    _, truth = footage
    track = importing.track_from_truth(
        truth, {p.name: f"c{i}" for i, p in enumerate(footage_files)}
    )
    request = importing.ImportRequest(
        name="final",
        files=footage_files,
        cameras=[f"c{i}" for i in range(4)],
        positions=[4, 3, 2, 1],
        track=track,
    )
    cset = _import(platform, request)
    assert [c.name for c in cset.cameras] == ["c3", "c2", "c1", "c0"]  # ordered by position
    with session_scope(platform.session_factory) as session:
        again = service.get_set(session, "final")
        assert service.get_set(session, str(again.id)) == again
        assert [s.name for s in service.list_sets(session)] == ["final"]
        view = service.describe_set(service.get_set_row(session, "final"))
        strip = service.thumbnails_path(session, "final", "c0")
        found = service.highlights(session, "final", top=10)
    for i, cam in enumerate(truth["cameras"]):
        mine = again.camera(f"c{i}")
        assert mine.offset_s == pytest.approx(cam["offset_s"], abs=1 / 25)
        assert mine.path.is_file()
        assert mine.path.parent.parent == platform.settings.media_dir / "recordings"
    assert again.action_track is not None
    assert set(again.action_track) == {"c0", "c1", "c2", "c3"}
    assert len(again.action_track["c0"][0]) == 5
    assert view["sync_method"] == "audio"
    assert all(c["sync_confidence"] > 0.3 for c in view["cameras"])
    assert view["end_s"] == pytest.approx(max(c.end_s for c in again.cameras))
    assert strip.read_bytes()[:2] == b"\xff\xd8"
    assert hl.match_peaks([h.peak_s for h in found], truth["peaks_s"]) >= 0.9


def test_highlights_rebuild_a_missing_analysis(platform: Platform, tmp_path: Path) -> None:
    files = [media_files.test_video(tmp_path / f"{i}.mp4", seconds=4.0) for i in range(2)]
    _import(platform, importing.ImportRequest(name="s", files=files))
    with session_scope(platform.session_factory) as session:
        folder = Path(service.get_set_row(session, "s").media_dir)
        cached = sorted(folder.glob("*.signals.npz"))
        assert len(cached) == 2
        cached[0].unlink()
        assert service.highlights(session, "s") == []  # a steady tone has no highlight
    assert sorted(folder.glob("*.signals.npz")) == cached


def test_unknown_set_is_not_found(platform: Platform) -> None:
    with session_scope(platform.session_factory) as session:
        with pytest.raises(NotFoundError, match="no camera set 'nope'") as caught:
            service.get_set(session, "nope")
        assert caught.value.hint is not None
        with pytest.raises(NotFoundError):
            service.get_set(session, 42)


def test_a_bad_file_registers_nothing(platform: Platform, tmp_path: Path) -> None:
    good = media_files.test_video(tmp_path / "good.mp4")
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"\x00" * 1000)
    request = importing.ImportRequest(name="broken", files=[good, bad])
    with pytest.raises(InputError, match=r"bad\.mp4") as caught:
        _import(platform, request)
    assert "nothing was registered" in str(caught.value)
    with session_scope(platform.session_factory) as session:
        assert service.list_sets(session) == []
    assert _set_folders(platform) == []


def test_a_failure_after_probing_removes_the_copies(
    platform: Platform, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = [media_files.test_video(tmp_path / f"{i}.mp4") for i in range(2)]

    def boom(*_args: Any) -> Any:
        raise InputError("analysis broke")

    monkeypatch.setattr(importing, "analyse", boom)
    with pytest.raises(InputError, match="analysis broke"):
        _import(platform, importing.ImportRequest(name="half", files=files))
    assert _set_folders(platform) == []
    with session_scope(platform.session_factory) as session:
        assert service.list_sets(session) == []


def test_duplicate_name_conflicts(platform: Platform, tmp_path: Path) -> None:
    files = [media_files.test_video(tmp_path / "a.mp4")]
    _import(platform, importing.ImportRequest(name="one", files=files))
    with pytest.raises(ConflictError, match="already exists"):
        _import(platform, importing.ImportRequest(name="one", files=files))
    assert len(_set_folders(platform)) == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param({"name": "bad name!"}, "bad set name", id="set-name"),
        pytest.param({"cameras": ["a"]}, "1 camera names for 2 files", id="name-count"),
        pytest.param({"cameras": ["a", "a"]}, "repeat", id="duplicate-cameras"),
        pytest.param({"positions": [1, 2, 3]}, "3 positions", id="position-count"),
        pytest.param({"sync": "magic"}, "unknown sync method", id="sync-method"),
        pytest.param({"files": []}, "no video files", id="no-files"),
    ],
)
def test_bad_requests_are_refused(
    platform: Platform, tmp_path: Path, kwargs: dict[str, Any], message: str
) -> None:
    files = [tmp_path / "a.mp4", tmp_path / "b.mp4"]
    request = importing.ImportRequest(**{"name": "s", "files": files, **kwargs})
    with pytest.raises(InputError, match=message):
        _import(platform, request)


def test_timecode_wins_over_audio(platform: Platform, tmp_path: Path) -> None:
    a = media_files.test_video(tmp_path / "a.mp4", timecode="10:00:01:05")
    b = media_files.test_video(tmp_path / "b.mp4", timecode="10:00:00:00")
    cset = _import(platform, importing.ImportRequest(name="tc", files=[a, b], copy=False))
    assert cset.camera("cam1").offset_s == pytest.approx(1.2)
    assert cset.camera("cam2").offset_s == 0.0
    assert cset.camera("cam1").path == a.resolve()  # referenced, not copied


def test_creation_time_sync_and_explicit_method_checks(platform: Platform, tmp_path: Path) -> None:
    a = media_files.test_video(tmp_path / "a.mp4", created="2026-02-10T12:00:05Z")
    b = media_files.test_video(tmp_path / "b.mp4", created="2026-02-10T12:00:02Z")
    cset = _import(platform, importing.ImportRequest(name="ct", files=[a, b]))
    assert [c.offset_s for c in cset.cameras] == [3.0, 0.0]
    with pytest.raises(InputError, match="cannot sync by timecode"):
        _import(platform, importing.ImportRequest(name="tc", files=[a, b], sync="timecode"))


def test_without_audio_cameras_stay_at_zero(platform: Platform, tmp_path: Path) -> None:
    files = [media_files.test_video(tmp_path / f"{i}.mp4", audio=False) for i in range(2)]
    cset = _import(platform, importing.ImportRequest(name="mute", files=files))
    assert [c.offset_s for c in cset.cameras] == [0.0, 0.0]
    with session_scope(platform.session_factory) as session:
        assert service.get_set_row(session, "mute").sync_method == "none"


def test_audio_sync_skips_cameras_without_sound(platform: Platform, tmp_path: Path) -> None:
    files = [media_files.test_video(tmp_path / f"{i}.mp4", audio=i < 2) for i in range(3)]
    cset = _import(platform, importing.ImportRequest(name="part", files=files))
    with session_scope(platform.session_factory) as session:
        row = service.get_set_row(session, "part")
        assert [c.sync_method for c in row.cameras] == ["audio", "audio", "none"]
        assert row.sync_method == "mixed"
    assert cset.camera("cam3").offset_s == 0.0


def test_a_full_disk_leaves_nothing_behind(
    platform: Platform, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno
    import os
    import shutil

    files = [media_files.test_video(tmp_path / f"{i}.mp4") for i in range(2)]

    def no_space(*_args: Any, **_kwargs: Any) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "link", no_space)
    monkeypatch.setattr(shutil, "copyfile", no_space)
    with pytest.raises(StorageError, match="No space left") as caught:
        _import(platform, importing.ImportRequest(name="full", files=files))
    assert "--reference" in str(caught.value)
    assert _set_folders(platform) == []
    with session_scope(platform.session_factory) as session:
        assert service.list_sets(session) == []


def test_set_offset_by_hand(platform: Platform, tmp_path: Path) -> None:
    files = [media_files.test_video(tmp_path / f"{i}.mp4") for i in range(2)]
    _import(platform, importing.ImportRequest(name="s", files=files, sync="none"))
    with session_scope(platform.session_factory) as session:
        cset = service.set_offset(session, "s", "cam2", 2.5)
    assert cset.camera("cam2").offset_s == 2.5
    assert cset.end_s == pytest.approx(5.5, abs=0.05)
    with session_scope(platform.session_factory) as session:
        assert service.get_set_row(session, "s").cameras[1].sync_method == "manual"
        with pytest.raises(NotFoundError, match="cam1, cam2"):
            service.set_offset(session, "s", "cam9", 1.0)
        with pytest.raises(InputError):
            service.set_offset(session, "s", "cam1", float("nan"))
