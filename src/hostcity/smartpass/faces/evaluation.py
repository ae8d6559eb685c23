"""LFW evaluation and threshold calibration: embed the images of a pairs file, then score them."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from hostcity.core.errors import InputError
from hostcity.core.jobs import ProgressFn
from hostcity.core.timeutil import utcnow
from hostcity.smartpass.faces.adapters.engine import DetectedFace, FaceEngine, normalise
from hostcity.smartpass.faces.adapters.images import decode_image
from hostcity.smartpass.faces.lfw import Pair, identity_of
from hostcity.smartpass.faces.matching import (
    cross_validated_accuracy,
    tar_at_far,
    threshold_for_far,
)
from hostcity.smartpass.faces.types import FaceBox

CACHE_VERSION = "hog-up1-subject-cnn-5pt-p25-v3"
MAX_IMAGE_BYTES = 20_000_000


@dataclass
class Embeddings:
    """Raw descriptors of each image: chip, mirrored chip, jittered mean; the seconds spent.

    ``jittered`` holds dlib's mean over ``jitters`` random jitters of the chip (zeros when
    ``jitters`` is 0), the extra part of an enrolment template.
    """

    names: list[str]
    plain: NDArray[np.float32]
    flipped: NDArray[np.float32]
    seconds: float
    jittered: NDArray[np.float32] | None = None
    jitters: int = 0

    def templates(
        self, *, flip_tta: bool = True, jitter: bool = True
    ) -> dict[str, NDArray[np.float32]]:
        """Unit templates by image name, built as enrolment builds them.

        The chip (averaged with its mirror when ``flip_tta``), normalised, plus the normalised
        jittered mean when there is one and ``jitter`` is set.
        """
        raw = self.plain + self.flipped if flip_tta else self.plain
        units = np.stack([normalise(vector) for vector in raw]) if len(raw) else raw
        if jitter and self.jitters > 1 and self.jittered is not None:
            units = units + np.stack([normalise(vector) for vector in self.jittered])
        return {name: normalise(vector) for name, vector in zip(self.names, units, strict=True)}


# LFW images are centred on the person named, at a known scale: a detection counts as that
# person only near the centre and at a plausible size (others are bystanders or false hits).
CENTRE_TOLERANCE = 0.2
MIN_FACE_SHARE = 0.25


def _is_subject(face: DetectedFace, width: int, height: int) -> bool:
    box = face.box
    off_centre = np.hypot((box.left + box.right - width) / 2, (box.top + box.bottom - height) / 2)
    return bool(off_centre <= CENTRE_TOLERANCE * width and box.width_px >= MIN_FACE_SHARE * width)


def _central_face(engine: FaceEngine, rgb: NDArray[np.uint8]) -> NDArray[np.uint8]:
    """The chip of the LFW subject: the plausible face nearest the centre of the image.

    HOG first; where it finds no plausible face (about 0.7% of LFW), the CNN detector; a
    centred box last.
    """
    height, width = rgb.shape[:2]

    def subjects(faces: list[DetectedFace]) -> list[DetectedFace]:
        return [face for face in faces if _is_subject(face, width, height)]

    faces = subjects(engine.detect(rgb, upsample=1)) or subjects(engine.detect_cnn(rgb, upsample=1))
    if faces:
        face = min(
            faces,
            key=lambda f: np.hypot(
                (f.box.left + f.box.right - width) / 2, (f.box.top + f.box.bottom - height) / 2
            ),
        )
        return face.chip
    box = FaceBox(
        round(0.28 * width), round(0.28 * height), round(0.72 * width), round(0.72 * height)
    )
    return engine.face_in_box(rgb, box).chip


Stored = dict[str, tuple[Any, Any, Any]]


def _cache_version(jitters: int) -> str:
    return f"{CACHE_VERSION}-j{jitters}"


def _load_cache(cache: Path | None, jitters: int) -> tuple[Stored, float]:
    if cache is None or not cache.is_file():
        return {}, 0.0
    with np.load(cache) as data:
        if str(data["version"]) != _cache_version(jitters):
            return {}, 0.0
        stored = {
            str(n): (p, f, j)
            for n, p, f, j in zip(
                data["names"], data["plain"], data["flipped"], data["jittered"], strict=True
            )
        }
        return stored, float(data["seconds"])


def _save_cache(cache: Path, stored: Stored, seconds: float, jitters: int) -> None:
    names = sorted(stored)
    np.savez(
        cache,
        version=_cache_version(jitters),
        names=np.asarray(names),
        plain=np.asarray([stored[n][0] for n in names], np.float32),
        flipped=np.asarray([stored[n][1] for n in names], np.float32),
        jittered=np.asarray([stored[n][2] for n in names], np.float32),
        seconds=seconds,
    )


def embed_images(
    engine: FaceEngine,
    images_dir: Path,
    names: list[str],
    *,
    report: ProgressFn,
    cache: Path | None = None,
) -> Embeddings:
    """Descriptors of ``names`` (paths under ``images_dir``), reusing a cache file if given.

    The cache is written every 100 new images, so an interrupted run resumes where it stopped.

    Raises:
        InputError: when an image is missing or unreadable.
    """
    jitters = engine.options.jitters if engine.options.jitters > 1 else 0
    stored, stored_seconds = _load_cache(cache, jitters)
    missing = [n for n in names if n not in stored]
    for number, name in enumerate(missing):
        path = images_dir / name
        if not path.is_file():
            raise InputError(f"image {path} is missing", hint="pass --images, the LFW folder")
        started = time.perf_counter()
        rgb = decode_image(path.read_bytes(), max_bytes=MAX_IMAGE_BYTES, what=str(path))
        chip = _central_face(engine, rgb)
        vectors = engine.descriptors([chip, chip[:, ::-1]])
        jittered = engine.jittered(chip) if jitters else np.zeros_like(vectors[0])
        stored_seconds += time.perf_counter() - started
        stored[name] = (vectors[0], vectors[1], jittered)
        if number % 20 == 0:
            report(number / len(missing), f"{number}/{len(missing)} images")
        if cache is not None and (number + 1) % 100 == 0:
            _save_cache(cache, stored, stored_seconds, jitters)
    if cache is not None and missing:
        _save_cache(cache, stored, stored_seconds, jitters)
    # Throughput of cached images is the one measured when they were embedded.
    seconds = stored_seconds / max(len(stored), 1) * len(names)
    report(1.0, "embedded")
    return Embeddings(
        names,
        np.asarray([stored[n][0] for n in names], np.float32),
        np.asarray([stored[n][1] for n in names], np.float32),
        seconds,
        jittered=np.asarray([stored[n][2] for n in names], np.float32),
        jitters=jitters,
    )


def pair_scores(
    pairs: list[Pair], templates: dict[str, NDArray[np.float32]]
) -> tuple[NDArray[np.float64], NDArray[np.bool_], NDArray[np.int64]]:
    """Similarity, same-person flag and fold of each pair."""
    scores = np.array([float(templates[p.first] @ templates[p.second]) for p in pairs])
    same = np.array([p.same for p in pairs], dtype=bool)
    folds = np.array([p.fold for p in pairs], dtype=np.int64)
    return scores, same, folds


def available_pairs(pairs: list[Pair], images_dir: Path) -> tuple[list[Pair], int]:
    """The pairs whose two images exist, and how many were left out."""
    kept = [
        p for p in pairs if (images_dir / p.first).is_file() and (images_dir / p.second).is_file()
    ]
    return kept, len(pairs) - len(kept)


def pair_names(pairs: list[Pair]) -> list[str]:
    """The distinct images of some pairs, sorted."""
    return sorted({p.first for p in pairs} | {p.second for p in pairs})


def lfw_report(
    pairs: list[Pair],
    embeddings: Embeddings,
    *,
    flip_tta: bool = True,
    jitter: bool = True,
    skipped: int = 0,
) -> dict[str, Any]:
    """The LFW protocol figures: cross-validated accuracy, TAR at FAR 1e-3, throughput."""
    templates = embeddings.templates(flip_tta=flip_tta, jitter=jitter)
    scores, same, folds = pair_scores(pairs, templates)
    jittered = jitter and embeddings.jitters > 1 and embeddings.jittered is not None
    cv = cross_validated_accuracy(scores, same, folds)
    return {
        "accuracy": round(cv.accuracy, 5),
        "accuracy_std": round(cv.accuracy_std, 5),
        "tar_at_far_1e-3": round(tar_at_far(scores[same], scores[~same], 1e-3), 5),
        "pairs": len(pairs),
        "pairs_skipped": skipped,
        "folds": len(cv.fold_accuracies),
        "images": len(embeddings.names),
        "images_per_s": round(len(embeddings.names) / max(embeddings.seconds, 1e-9), 2),
        "threshold_mean": round(float(np.mean(cv.thresholds)), 4),
        "flip_tta": flip_tta,
        "jitters": embeddings.jitters if jittered else 0,
    }


def all_pair_scores(
    names: list[str], templates: dict[str, NDArray[np.float32]]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Genuine and impostor similarities over every pair of distinct images."""
    matrix = np.stack([templates[n] for n in names]).astype(np.float32)
    identities = np.array([identity_of(n) for n in names])
    scores = matrix @ matrix.T
    upper = np.triu(np.ones_like(scores, dtype=bool), k=1)
    same = identities[:, None] == identities[None, :]
    return scores[upper & same].astype(np.float64), scores[upper & ~same].astype(np.float64)


def calibrate(names: list[str], embeddings: Embeddings, *, target_far: float) -> dict[str, Any]:
    """The admit threshold giving ``target_far`` over all impostor image pairs.

    Raises:
        InputError: when the images give too few impostor pairs for ``target_far``.
    """
    genuine, impostor = all_pair_scores(names, embeddings.templates())
    threshold = threshold_for_far(impostor, target_far)
    return {
        "threshold": round(threshold, 5),
        "target_far": target_far,
        "measured_far": float(np.mean(impostor >= threshold)),
        "tar": float(np.mean(genuine >= threshold)) if genuine.size else None,
        "genuine_pairs": int(genuine.size),
        "impostor_pairs": int(impostor.size),
        "calibrated_at": utcnow().isoformat(),
    }


def save_calibration(path: Path, result: dict[str, Any]) -> None:
    """Write the calibration where the service reads its threshold."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2))
