"""Quality checks of a face photo: one face, size, sharpness, frontal pose and exposure."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from hostcity.smartpass.faces.types import FaceBox, Landmarks, QualityIssue, QualityReport

CONTRAST_REF = 50.0


@dataclass(frozen=True)
class QualityLimits:
    """Thresholds of the checks; the defaults suit a kiosk camera or a phone photo."""

    min_face_width_px: int = 80
    min_sharpness: float = 30.0
    max_yaw_ratio: float = 0.22
    min_brightness: float = 50.0
    max_brightness: float = 215.0


def count_issue(face_count: int) -> QualityIssue | None:
    """The issue with the number of faces in a photo, if any (exactly one is wanted)."""
    if face_count == 0:
        return QualityIssue(
            "no_face", "no face was found: face the camera, closer, with the whole face visible"
        )
    if face_count > 1:
        return QualityIssue(
            "several_faces",
            f"{face_count} faces were found: only the person enrolling may be in the photo",
        )
    return None


def gray(rgb: NDArray[np.uint8]) -> NDArray[np.float32]:
    """Luma (ITU-R BT.601) of an RGB image, as float32 in 0-255."""
    weights = np.array([0.299, 0.587, 0.114], dtype=np.float32)
    return np.asarray(rgb[..., :3].astype(np.float32) @ weights, dtype=np.float32)


def laplacian_variance(image: NDArray[np.float32]) -> float:
    """Variance of the 4-neighbour Laplacian: low for blurred images."""
    lap = (
        image[:-2, 1:-1]
        + image[2:, 1:-1]
        + image[1:-1, :-2]
        + image[1:-1, 2:]
        - 4.0 * image[1:-1, 1:-1]
    )
    return float(lap.var())


def yaw_ratio(landmarks: Landmarks) -> float:
    """How far the nose sits from the middle of the eyes, as a fraction of the eye distance.

    0 is frontal; about 0.5 means the nose lines up with one eye (a strong profile).
    """
    points = np.asarray(landmarks.points, dtype=np.float64)
    eye_a = points[0:2].mean(axis=0)
    eye_b = points[2:4].mean(axis=0)
    nose = points[4]
    axis = eye_b - eye_a
    length = float(np.linalg.norm(axis))
    if length < 1e-6:
        return 1.0
    along = float(np.dot(nose - (eye_a + eye_b) / 2.0, axis)) / length
    return abs(along) / length


def assess(
    chip: NDArray[np.uint8], box: FaceBox, landmarks: Landmarks, limits: QualityLimits
) -> QualityReport:
    """Measure one detected face and list the checks it fails.

    Args:
        chip: The aligned 150x150 RGB face chip (measured at a fixed scale so that sharpness
            does not depend on how large the face is in the photo).
        box: Where the detector found the face, in the original photo.
        landmarks: The 5 landmarks in the original photo.
        limits: The thresholds.
    """
    luma = gray(chip)
    # The centre of the chip holds eyes, nose and mouth; the border is background and hair.
    core = luma[30:120, 30:120]
    brightness = float(core.mean())
    # Contrast-normalised so that a dark but sharp photo is called dark, not blurred.
    sharpness = laplacian_variance(core * (CONTRAST_REF / max(float(core.std()), 1.0)))
    yaw = yaw_ratio(landmarks)
    issues: list[QualityIssue] = []
    if box.width_px < limits.min_face_width_px:
        issues.append(
            QualityIssue(
                "face_too_small",
                f"the face is {box.width_px} px wide; at least {limits.min_face_width_px} px is "
                "needed: come closer or use a larger photo",
            )
        )
    if sharpness < limits.min_sharpness:
        issues.append(
            QualityIssue(
                "blurred", "the face is blurred: hold still, clean the lens, and check the focus"
            )
        )
    if yaw > limits.max_yaw_ratio:
        issues.append(
            QualityIssue("not_frontal", "the face is turned away: look straight into the camera")
        )
    if brightness < limits.min_brightness:
        issues.append(QualityIssue("too_dark", "the face is too dark: add light in front"))
    elif brightness > limits.max_brightness:
        issues.append(
            QualityIssue("too_bright", "the face is overexposed: avoid direct light or a flash")
        )
    return QualityReport(
        face_width_px=box.width_px,
        sharpness=sharpness,
        yaw_ratio=yaw,
        brightness=brightness,
        issues=issues,
    )
