"""The dlib engine on real faces: CNN fallback detection and jittered enrolment templates."""

from __future__ import annotations

import numpy as np
import pytest

from hostcity.smartpass.faces.adapters.engine import DetectedFace, EngineOptions, FaceEngine
from hostcity.smartpass.faces.evaluation import Embeddings, _is_subject
from hostcity.smartpass.faces.types import FaceBox, Landmarks
from tests.smartpass.faces.conftest import Rgb


def test_cnn_detector_finds_the_face_hog_finds(hopper: Rgb) -> None:
    engine = FaceEngine()
    small = np.ascontiguousarray(hopper[:512:2, :512:2])
    hog = engine.detect(small, upsample=1)
    cnn = engine.detect_cnn(small, upsample=1)
    assert len(hog) == 1 and len(cnn) == 1
    a, b = hog[0].box, cnn[0].box
    centre_gap = np.hypot(
        (a.left + a.right - b.left - b.right) / 2, (a.top + a.bottom - b.top - b.bottom) / 2
    )
    assert centre_gap < 0.25 * a.width_px
    assert cnn[0].chip.shape == (150, 150, 3)


def test_enrolment_template_averages_jitters_deterministically(astronaut: Rgb) -> None:
    plain = FaceEngine(EngineOptions(jitters=0))
    jittered = FaceEngine(EngineOptions(jitters=4))
    chip = plain.detect(astronaut)[0].chip
    without = plain.enrolment_template(chip)
    with_jitter = jittered.enrolment_template(chip)
    assert np.allclose(without, plain.embed(chip, flip=True))
    assert abs(float(np.linalg.norm(with_jitter)) - 1.0) < 1e-5
    assert not np.allclose(with_jitter, without)
    # The same person: jitters move the template only a little, and dlib draws new random
    # jitters on every call, so two enrolments of one chip differ slightly.
    assert float(with_jitter @ without) > 0.99
    assert float(with_jitter @ jittered.enrolment_template(chip)) > 0.995


def test_embeddings_templates_combine_flip_and_jitter() -> None:
    plain = np.array([[3.0, 0.0], [0.0, 2.0]], np.float32)
    flipped = np.array([[1.0, 0.0], [0.0, 2.0]], np.float32)
    jittered = np.array([[0.0, 5.0], [0.0, 1.0]], np.float32)
    emb = Embeddings(["a", "b"], plain, flipped, 1.0, jittered=jittered, jitters=8)
    a = emb.templates()["a"]
    assert np.allclose(a, np.array([1.0, 1.0]) / np.sqrt(2))
    assert np.allclose(emb.templates(jitter=False)["a"], [1.0, 0.0])
    assert np.allclose(Embeddings(["a", "b"], plain, flipped, 1.0).templates()["a"], [1.0, 0.0])


@pytest.mark.parametrize(
    ("box", "subject"),
    [
        pytest.param(FaceBox(70, 70, 180, 180), True, id="centred"),
        pytest.param(FaceBox(116, 76, 205, 166), True, id="off-centre-but-close"),
        pytest.param(FaceBox(-24, 76, 76, 166), False, id="at-the-edge"),
        pytest.param(FaceBox(74, 98, 117, 142), False, id="too-small"),
    ],
)
def test_lfw_subject_is_a_plausible_face_near_the_centre(box: FaceBox, subject: bool) -> None:
    face = DetectedFace(box, Landmarks(()), np.zeros((150, 150, 3), np.uint8), 0.0)
    assert _is_subject(face, 250, 250) is subject
