"""Plain data of the faces feature: boxes, landmarks, quality verdicts and gate decisions."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


@dataclass(frozen=True)
class FaceBox:
    """A face rectangle in pixel coordinates (right and bottom exclusive)."""

    left: int
    top: int
    right: int
    bottom: int

    @property
    def width_px(self) -> int:
        """Width in pixels."""
        return self.right - self.left

    @property
    def height_px(self) -> int:
        """Height in pixels."""
        return self.bottom - self.top


@dataclass(frozen=True)
class Landmarks:
    """dlib's 5 points: two corners of each eye, then the base of the nose, as (x, y)."""

    points: tuple[tuple[float, float], ...]


class Decision(StrEnum):
    """What a gate does with a person."""

    ADMIT = "admit"
    DENY = "deny"
    REFER = "refer"


@dataclass(frozen=True)
class QualityIssue:
    """One failed quality check: a stable code and a sentence saying what to do."""

    code: str
    reason: str


@dataclass(frozen=True)
class QualityReport:
    """The measurements of one face and the checks it failed."""

    face_width_px: int
    sharpness: float
    yaw_ratio: float
    brightness: float
    issues: list[QualityIssue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every check passed."""
        return not self.issues

    def to_dict(self) -> dict[str, object]:
        """JSON-ready view."""
        return {
            "ok": self.ok,
            "face_width_px": self.face_width_px,
            "sharpness": round(self.sharpness, 1),
            "yaw_ratio": round(self.yaw_ratio, 3),
            "brightness": round(self.brightness, 1),
            "issues": [{"code": i.code, "reason": i.reason} for i in self.issues],
        }
