"""The generated event: layout, projection, truth and the files written."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from hostcity.core.errors import InputError
from hostcity.replay.recordings import scene as sc
from hostcity.replay.recordings.adapters import media


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param({"cameras": 3}, id="too-few-cameras"),
        pytest.param({"cameras": 9}, id="too-many-cameras"),
        pytest.param({"seconds": 2.0}, id="too-short"),
        pytest.param({"width": 321}, id="odd-width"),
        pytest.param({"height": 10}, id="tiny"),
    ],
)
def test_make_scene_rejects_what_it_cannot_make(kwargs: dict[str, Any]) -> None:
    with pytest.raises(InputError):
        sc.make_scene(**kwargs)


@pytest.mark.parametrize("cameras", [4, 6])
def test_peaks_lie_where_every_camera_records(cameras: int) -> None:
    scene = sc.make_scene(seconds=40.0, cameras=cameras)
    assert len(scene.rigs) == cameras
    assert len(scene.peaks_s) >= 2
    for rig in scene.rigs:
        for peak in scene.peaks_s:
            assert rig.offset_s + 1.0 < peak < rig.offset_s + rig.duration_s - 1.0
    assert np.all(np.diff(scene.peaks_s) > 2.0)


def test_projection_puts_the_look_at_point_in_the_centre() -> None:
    scene = sc.make_scene(seconds=20.0, width=640, height=360)
    for rig in scene.rigs:
        u, v, depth = sc.project(rig, 640, 360, np.asarray([rig.look_at_m]))
        assert u[0] == pytest.approx(320.0, abs=1e-6)
        assert v[0] == pytest.approx(180.0, abs=1e-6)
        assert depth[0] > 0


def test_subject_box_matches_drawn_pixels() -> None:
    scene = sc.make_scene(seconds=20.0, width=640, height=360)
    rig = scene.rigs[3]
    t = np.asarray([6.0])
    boxes = sc.subject_boxes(scene, rig, t)
    xs, ys = sc.skater_world(scene, t)
    _, _, depth = sc.project(rig, 640, 360, np.stack([xs, ys, np.zeros_like(xs)], axis=-1))
    frame = sc.draw_frame(sc.render_background(scene, rig, 0), boxes[:, 0], depth[:, 0])
    red = np.all(frame == sc.SKATER_COLOURS[sc.SUBJECT], axis=-1)
    rows, cols = np.nonzero(red)
    xc, yc, w, h = boxes[sc.SUBJECT, 0]
    assert rows.size > 20
    assert abs(cols.mean() - xc) < 2.0
    assert abs(cols.max() - cols.min() - w) < 3.0
    assert yc - h / 2 - 1 <= rows.min() and rows.max() <= yc + h / 2 + 1


def test_footage_files_match_the_truth(
    footage: tuple[Path, dict[str, Any]], footage_files: list[Path]
) -> None:
    _, truth = footage
    assert (footage[0] / "truth.json").is_file()
    for cam, path in zip(truth["cameras"], footage_files, strict=True):
        info = media.probe(path)
        assert (info.width, info.height) == (320, 180)
        assert info.fps == Fraction(25)
        assert info.has_audio
        assert info.duration_s == pytest.approx(cam["duration_s"], abs=0.05)
        boxes = truth["boxes"][cam["name"]]
        assert boxes[0][0] >= cam["offset_s"] - 1e-6
        assert boxes[-1][0] <= cam["offset_s"] + cam["duration_s"] + 1e-6
    assert len(truth["peaks_s"]) == 3
    assert len(truth["action_path"]) > 100


def test_crowd_is_loudest_at_the_peaks() -> None:
    scene = sc.make_scene(seconds=20.0, width=64, height=36, sample_rate_hz=8000)
    source, start_s = sc.crowd_source(scene)
    rate = scene.sample_rate_hz

    def rms_db(t: float) -> float:
        i = int((t - start_s) * rate)
        return float(10 * np.log10(np.mean(source[i - rate // 10 : i + rate // 10] ** 2)))

    for peak, gain in zip(scene.peaks_s, scene.peak_gains_db, strict=True):
        assert rms_db(peak) - rms_db(peak - 2.5) > gain - 3.0
