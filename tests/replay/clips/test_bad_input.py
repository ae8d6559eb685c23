"""Bad input: corrupt or truncated sources, missing files, a full disk; no half-written clip."""

from __future__ import annotations

import contextlib
import random
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from hostcity.core.errors import InputError, StorageError
from hostcity.replay.clips.adapters import encode
from hostcity.replay.clips.render import render_clip
from hostcity.replay.clips.spec import ClipSpec
from hostcity.replay.types import CameraSet
from tests.replay.clips.media import make_camera_video


def one_camera(camera_set: CameraSet, path: Path) -> CameraSet:
    cam = replace(camera_set.cameras[0], path=path)
    return CameraSet(camera_set.id, camera_set.name, (cam,))


def spec_for(cameras: CameraSet, start_s: float, end_s: float) -> ClipSpec:
    return ClipSpec.parse(
        {"set": cameras.name, "angles": ["cam1"], "start_s": start_s, "end_s": end_s}
    )


def assert_nothing_written(directory: Path) -> None:
    assert list(directory.iterdir()) == [], "no clip and no temporary file may be left behind"


@pytest.fixture(scope="module")
def truncated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An 8 s MP4 with its index first, cut off half way through its media data."""
    folder = tmp_path_factory.mktemp("truncated")
    whole = make_camera_video(folder / "whole.mp4", seconds=8, faststart=True)
    data = whole.read_bytes()
    cut = folder / "cut.mp4"
    cut.write_bytes(data[: len(data) // 2])
    return cut


def test_source_that_breaks_mid_stream_is_refused(
    camera_set: CameraSet, truncated: Path, tmp_path: Path
) -> None:
    cameras = one_camera(camera_set, truncated)
    out_dir = tmp_path / "out"
    with pytest.raises(InputError, match=r"camera 'cam1' .* is corrupt or truncated") as caught:
        render_clip(spec_for(cameras, 5.0, 6.5), cameras, out_dir / "clip.mp4", max_clip_s=60)
    assert "intact copy" in str(caught.value.hint)
    assert_nothing_written(out_dir)


def test_intact_part_of_a_truncated_source_still_renders(
    camera_set: CameraSet, truncated: Path, tmp_path: Path
) -> None:
    cameras = one_camera(camera_set, truncated)
    result = render_clip(spec_for(cameras, 0.5, 1.5), cameras, tmp_path / "ok.mp4", max_clip_s=60)
    assert (tmp_path / "ok.mp4").is_file() and result.frames == 25


# seed 131's bytes pass ffmpeg's probe as an audio stream that then decodes to nothing
@pytest.mark.parametrize("seed", [0, 1, 2, 131, 388])
def test_file_that_is_not_video_is_refused(
    camera_set: CameraSet, tmp_path: Path, seed: int
) -> None:
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(random.Random(seed).randbytes(50_000))
    cameras = one_camera(camera_set, junk)
    out_dir = tmp_path / "out"
    with pytest.raises(InputError, match="corrupt or truncated"):
        render_clip(spec_for(cameras, 1.0, 2.0), cameras, out_dir / "clip.mp4", max_clip_s=60)
    assert_nothing_written(out_dir)


def test_missing_source_is_named(camera_set: CameraSet, tmp_path: Path) -> None:
    cameras = one_camera(camera_set, tmp_path / "gone.mp4")
    with pytest.raises(InputError, match=r"gone\.mp4 of camera 'cam1' is missing"):
        render_clip(spec_for(cameras, 1.0, 2.0), cameras, tmp_path / "clip.mp4", max_clip_s=60)


@contextlib.contextmanager
def tiny_disk(path: Path, size: str) -> Iterator[Path]:
    """A real, tiny tmpfs at ``path`` (needs root); unmounted whatever happens."""
    path.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root); the ENOSPC path is tested below")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def test_full_disk_is_refused_before_rendering(camera_set: CameraSet, tmp_path: Path) -> None:
    with tiny_disk(tmp_path / "disk", "512k") as disk:
        with pytest.raises(StorageError, match="free in") as caught:
            render_clip(
                spec_for(camera_set, 1.0, 3.0), camera_set, disk / "clip.mp4", max_clip_s=60
            )
        assert "free disk space" in str(caught.value.hint)
        assert_nothing_written(disk)


@pytest.mark.slow
def test_disk_filling_up_mid_render_leaves_no_file(
    camera_set: CameraSet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # skip the up-front check so ffmpeg itself runs into ENOSPC half way through the file
    monkeypatch.setattr(encode, "check_free_space", lambda _dir, _s: None)
    with tiny_disk(tmp_path / "disk", "256k") as disk:
        with pytest.raises(StorageError, match="disk is full"):
            render_clip(
                spec_for(camera_set, 1.0, 4.0), camera_set, disk / "clip.mp4", max_clip_s=60
            )
        assert_nothing_written(disk)


def test_enospc_from_the_rename_becomes_a_storage_error(
    camera_set: CameraSet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without root, inject the failure where the finished file is moved into place."""

    def full(_src: object, _dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("hostcity.replay.clips.adapters.ffmpeg.os.replace", full)
    out_dir = tmp_path / "out"
    with pytest.raises(StorageError, match="disk is full"):
        render_clip(spec_for(camera_set, 1.0, 1.4), camera_set, out_dir / "clip.mp4", max_clip_s=60)
    assert_nothing_written(out_dir)
