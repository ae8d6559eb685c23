"""The dlib face engine: HOG (and CNN) detection, 5-point landmarks, aligned chips, embeddings."""

from __future__ import annotations

import importlib.util
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from hostcity.core.errors import DependencyError
from hostcity.smartpass.faces.types import FaceBox, Landmarks

EMBEDDING_DIM = 128
CHIP_SIZE_PX = 150
FAST_MIN_SIDE_PX = 400
MODEL_FILES = {
    "landmarks": "shape_predictor_5_face_landmarks.dat",
    "resnet": "dlib_face_recognition_resnet_model_v1.dat",
    "cnn": "mmod_human_face_detector.dat",
}
_MODELS: dict[Path, tuple[Any, Any, Any, Any]] = {}
_CNN_DETECTORS: dict[Path, Any] = {}
_MODELS_LOCK = threading.RLock()


def models_dir() -> Path:
    """The folder of dlib models shipped by the ``face_recognition_models`` package.

    The package's ``__init__`` needs ``pkg_resources``, which new setuptools no longer ships, so
    the folder is found from the package spec without importing it.

    Raises:
        DependencyError: when the package is not installed.
    """
    spec = importlib.util.find_spec("face_recognition_models")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        folder = Path(location) / "models"
        if (folder / MODEL_FILES["resnet"]).is_file():
            return folder
    raise DependencyError(
        "the dlib face models are missing",
        hint="pip install face-recognition-models (the PyPI package ships them; nothing is "
        "downloaded at run time)",
    )


def _import_dlib() -> Any:
    try:
        import dlib
    except ImportError as exc:
        raise DependencyError(
            "dlib is not installed", hint="pip install dlib-bin (prebuilt wheels of dlib)"
        ) from exc
    return dlib


@dataclass(frozen=True)
class EngineOptions:
    """How faces are found and embedded.

    Attributes:
        upsample: HOG upsampling passes; 0 finds faces of about 80 px and more, fast.
        flip_tta: Also embed the mirrored chip and average (test-time augmentation).
        jitters: dlib's random jitters averaged into enrolment templates (0 or 1: none; each
            one costs a ResNet pass, so gate probes never use them).
        padding: Padding of the aligned chip around the landmarks (dlib's default is 0.25).
    """

    upsample: int = 0
    flip_tta: bool = True
    jitters: int = 0
    padding: float = 0.25


@dataclass(frozen=True)
class DetectedFace:
    """One face found in an image: where, its landmarks, and its aligned 150x150 chip."""

    box: FaceBox
    landmarks: Landmarks
    chip: NDArray[np.uint8]
    detector_score: float


class FaceEngine:
    """Loads the dlib models once (lazily) and turns RGB images into faces and embeddings.

    dlib's objects are not documented as thread-safe, so calls are serialised with one lock
    shared by every engine of the process.
    """

    def __init__(self, options: EngineOptions | None = None, *, models: Path | None = None) -> None:
        self.options = options or EngineOptions()
        self._models = models
        self._lock = _MODELS_LOCK
        self._loaded: tuple[Any, Any, Any, Any] | None = None

    def _load(self) -> tuple[Any, Any, Any, Any]:
        # Models are shared by every engine of the process (about 30 MB, loaded once).
        if self._loaded is None:
            folder = self._models or models_dir()
            if folder not in _MODELS:
                dlib = _import_dlib()
                _MODELS[folder] = (
                    dlib,
                    dlib.get_frontal_face_detector(),
                    dlib.shape_predictor(str(folder / MODEL_FILES["landmarks"])),
                    dlib.face_recognition_model_v1(str(folder / MODEL_FILES["resnet"])),
                )
            self._loaded = _MODELS[folder]
        return self._loaded

    def warm_up(self) -> None:
        """Load the models now rather than on the first request."""
        with self._lock:
            self._load()

    def detect(
        self, rgb: NDArray[np.uint8], *, upsample: int | None = None, fast: bool = False
    ) -> list[DetectedFace]:
        """Every face in ``rgb`` (H x W x 3, uint8), largest first.

        Args:
            rgb: The image.
            upsample: HOG upsampling passes (default: the engine's option).
            fast: Look on the half-size image first (a quarter of the work) and only fall back
                to full size when no face is found there; for gate cameras, where faces are large.
        """
        with self._lock:
            dlib, detector, predictor, _ = self._load()
            passes = self.options.upsample if upsample is None else upsample
            rects: list[Any] = []
            scores: list[float] = []
            if fast and passes == 0 and min(rgb.shape[:2]) >= FAST_MIN_SIDE_PX:
                half = np.ascontiguousarray(rgb[::2, ::2])
                found, found_scores, _kinds = detector.run(half, 0, 0.0)
                rects = [
                    dlib.rectangle(2 * r.left(), 2 * r.top(), 2 * r.right(), 2 * r.bottom())
                    for r in found
                ]
                scores = list(found_scores)
            if not rects:
                rects, scores, _kinds = detector.run(rgb, passes, 0.0)
            return sorted(
                (
                    self._face(dlib, predictor, rgb, rect, float(score))
                    for rect, score in zip(rects, scores, strict=True)
                ),
                key=lambda face: -face.box.width_px * face.box.height_px,
            )

    def detect_cnn(self, rgb: NDArray[np.uint8], *, upsample: int = 1) -> list[DetectedFace]:
        """Every face the CNN (MMOD) detector finds, largest first.

        It finds faces HOG misses (turned, partly hidden, low contrast) but costs about 2 s per
        250x250 image on one core, so it is a fallback for offline work, never used at gates.
        """
        with self._lock:
            dlib, _, predictor, _ = self._load()
            folder = self._models or models_dir()
            if folder not in _CNN_DETECTORS:
                _CNN_DETECTORS[folder] = dlib.cnn_face_detection_model_v1(
                    str(folder / MODEL_FILES["cnn"])
                )
            found = _CNN_DETECTORS[folder](rgb, upsample)
            return sorted(
                (self._face(dlib, predictor, rgb, d.rect, float(d.confidence)) for d in found),
                key=lambda face: -face.box.width_px * face.box.height_px,
            )

    def face_in_box(self, rgb: NDArray[np.uint8], box: FaceBox) -> DetectedFace:
        """The face inside a known box (for aligned data sets where the detector misses)."""
        with self._lock:
            dlib, _, predictor, _ = self._load()
            rect = dlib.rectangle(box.left, box.top, box.right, box.bottom)
            return self._face(dlib, predictor, rgb, rect, 0.0)

    def _face(
        self, dlib: Any, predictor: Any, rgb: NDArray[np.uint8], rect: Any, score: float
    ) -> DetectedFace:
        shape = predictor(rgb, rect)
        points = tuple((float(p.x), float(p.y)) for p in shape.parts())
        chip = np.asarray(
            dlib.get_face_chip(rgb, shape, size=CHIP_SIZE_PX, padding=self.options.padding),
            dtype=np.uint8,
        )
        box = FaceBox(left=rect.left(), top=rect.top(), right=rect.right(), bottom=rect.bottom())
        return DetectedFace(box=box, landmarks=Landmarks(points), chip=chip, detector_score=score)

    def embed(self, chip: NDArray[np.uint8], *, flip: bool | None = None) -> NDArray[np.float32]:
        """The L2-normalised 128-D template of an aligned chip (mean with its mirror if TTA).

        Args:
            chip: The aligned 150x150 RGB chip.
            flip: Also embed the mirrored chip; defaults to ``options.flip_tta``.
        """
        batch = [chip]
        if self.options.flip_tta if flip is None else flip:
            batch.append(chip[:, ::-1])
        return normalise(self.descriptors(batch).mean(axis=0))

    def enrolment_template(self, chip: NDArray[np.uint8]) -> NDArray[np.float32]:
        """The template stored at enrolment: chip and mirror, plus the mean of random jitters.

        The jittered mean (``options.jitters`` passes) and the chip-and-mirror mean are each
        normalised and then averaged, so neither dominates. Measured on LFW in
        ``docs/benchmarks/gates.md``.
        """
        template = self.embed(chip, flip=True)
        if self.options.jitters > 1:
            template = normalise(template + normalise(self.jittered(chip)))
        return template

    def jittered(self, chip: NDArray[np.uint8]) -> NDArray[np.float32]:
        """dlib's mean raw descriptor over ``options.jitters`` random jitters of the chip.

        dlib draws the jitters (small rotations, scalings, shifts and mirrorings) from a random
        generator kept by the model, so two calls differ slightly (cosine about 0.998).
        """
        with self._lock:
            _, _, _, resnet = self._load()
            vector = resnet.compute_face_descriptor(
                np.ascontiguousarray(chip), max(self.options.jitters, 1)
            )
        return np.asarray(vector, dtype=np.float32)

    def descriptors(self, chips: list[NDArray[np.uint8]]) -> NDArray[np.float32]:
        """dlib's raw 128-D descriptors (N x 128) of aligned chips, in one batch."""
        with self._lock:
            _, _, _, resnet = self._load()
            batch = [np.ascontiguousarray(chip) for chip in chips]
            vectors = resnet.compute_face_descriptor(batch, 0)
        return np.asarray([np.asarray(v, dtype=np.float32) for v in vectors], dtype=np.float32)


def normalise(vector: NDArray[np.floating[Any]]) -> NDArray[np.float32]:
    """``vector`` scaled to unit length, as float32."""
    unit: NDArray[np.float32] = (vector / max(float(np.linalg.norm(vector)), 1e-12)).astype(
        np.float32
    )
    return unit
