"""The clip request: a JSON-friendly spec and its validation against a camera set."""

from __future__ import annotations

import hashlib
import json
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from hostcity.core.errors import InputError, NotFoundError, ValidationFailed
from hostcity.replay.types import CameraSet


class ClipFormat(StrEnum):
    """Output frame: landscape 16:9, vertical 9:16 or square 1:1."""

    LANDSCAPE = "landscape"
    VERTICAL = "vertical"
    SQUARE = "square"

    @property
    def size(self) -> tuple[int, int]:
        """Output (width, height) in pixels."""
        return {
            ClipFormat.LANDSCAPE: (1920, 1080),
            ClipFormat.VERTICAL: (1080, 1920),
            ClipFormat.SQUARE: (1080, 1080),
        }[self]


class Loudness(StrEnum):
    """Loudness target: social media (-14 LUFS) or EBU R128 broadcast (-23 LUFS)."""

    SOCIAL = "social"
    BROADCAST = "broadcast"

    @property
    def lufs(self) -> float:
        """Integrated loudness target in LUFS."""
        return -14.0 if self is Loudness.SOCIAL else -23.0


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class SlowMotion(_Model):
    """Play ``[start_s, end_s)`` of the shared timeline ``factor`` times slower."""

    start_s: float
    end_s: float
    factor: float = Field(default=2.0, ge=1.0, le=8.0)

    @model_validator(mode="after")
    def _ordered(self) -> SlowMotion:
        if self.end_s <= self.start_s:
            raise ValueError("slow-motion end_s must be after start_s")
        return self


class MultiAngleReplay(_Model):
    """The key moment ``[start_s, end_s)`` again from each camera (all cameras when empty)."""

    start_s: float
    end_s: float
    cameras: tuple[str, ...] = ()
    factor: float = Field(default=1.0, ge=1.0, le=8.0)

    @model_validator(mode="after")
    def _ordered(self) -> MultiAngleReplay:
        if self.end_s <= self.start_s:
            raise ValueError("replay end_s must be after start_s")
        return self


class Sweep(_Model):
    """A frozen moment: the instant ``at_s`` from every camera in position order, then play on."""

    at_s: float
    hold_s: float = Field(default=0.4, gt=0, le=5.0)


class TitleCard(_Model):
    """A full-frame card before the action."""

    text: str = Field(min_length=1, max_length=120)
    subtitle: str = Field(default="", max_length=160)
    duration_s: float = Field(default=2.0, gt=0, le=10.0)


class LowerThird(_Model):
    """Athlete, event and score drawn over the bottom of the action."""

    athlete: str = Field(min_length=1, max_length=80)
    event: str = Field(default="", max_length=120)
    score: str = Field(default="", max_length=40)
    start_s: float = Field(default=0.5, ge=0, description="after the action starts")
    duration_s: float = Field(default=4.0, gt=0, le=60.0)


class Branding(_Model):
    """The event's intro and outro cards: name, colours and an optional logo image."""

    event_name: str = Field(min_length=1, max_length=120)
    background: str = Field(default="#0b1f4d", pattern=r"^#[0-9a-fA-F]{6}$")
    foreground: str = Field(default="#ffffff", pattern=r"^#[0-9a-fA-F]{6}$")
    image: str | None = Field(default=None, description="path of a PNG/JPEG logo")
    intro_s: float = Field(default=1.5, ge=0, le=10.0)
    outro_s: float = Field(default=1.5, ge=0, le=10.0)


class ClipSpec(_Model):
    """Everything a clip request holds; JSON in and out.

    Attributes:
        set: Name or id of the camera set.
        angles: Camera names; the window is split evenly between them in order.
        start_s: Window start on the shared timeline, in seconds.
        end_s: Window end on the shared timeline, in seconds.
        format: Landscape, vertical or square.
        slowmo: Optional slow-motion segment inside the window.
        replay: Optional multi-angle replay after the window.
        sweep: Optional frozen-moment sweep inside the window.
        title: Optional title card.
        lower_third: Optional lower third.
        branding: Optional intro and outro cards.
        loudness: Loudness target.
    """

    set: str = Field(min_length=1)
    angles: tuple[str, ...] = Field(min_length=1)
    start_s: float = Field(ge=0)
    end_s: float = Field(gt=0)
    format: ClipFormat = ClipFormat.LANDSCAPE
    slowmo: SlowMotion | None = None
    replay: MultiAngleReplay | None = None
    sweep: Sweep | None = None
    title: TitleCard | None = None
    lower_third: LowerThird | None = None
    branding: Branding | None = None
    loudness: Loudness = Loudness.SOCIAL

    @field_validator("angles", mode="before")
    @classmethod
    def _split_angles(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @model_validator(mode="after")
    def _window(self) -> ClipSpec:
        if self.end_s <= self.start_s:
            raise ValueError("end_s must be after start_s")
        if self.slowmo and not (
            self.start_s <= self.slowmo.start_s < self.slowmo.end_s <= self.end_s
        ):
            raise ValueError("the slow-motion segment must lie inside the window")
        if self.sweep and not (self.start_s < self.sweep.at_s < self.end_s):
            raise ValueError("the sweep instant must lie inside the window")
        return self

    @classmethod
    def parse(cls, data: Any) -> ClipSpec:
        """Build a spec from JSON-like data.

        Raises:
            ValidationFailed: naming the first bad field.
        """
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "spec"
            raise ValidationFailed(
                f"bad clip spec: {where}: {first['msg']}",
                where=where,
                hint="see 'hostcity replay render --help' for the fields of a clip spec",
            ) from exc

    def normalised_json(self) -> str:
        """Canonical JSON (sorted keys, defaults filled in) for hashing and storage."""
        return json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))

    def digest(self) -> str:
        """SHA-256 of the canonical JSON."""
        return hashlib.sha256(self.normalised_json().encode()).hexdigest()

    @property
    def window_s(self) -> float:
        """Length of the window on the shared timeline."""
        return self.end_s - self.start_s


def validate_against_set(spec: ClipSpec, cameras: CameraSet, *, max_clip_s: float) -> None:
    """Check that the spec can be cut from ``cameras``.

    Raises:
        NotFoundError: for a camera the set does not have.
        InputError: for a window outside the recording or a clip longer than ``max_clip_s``.
    """
    wanted = list(spec.angles)
    if spec.replay:
        wanted.extend(spec.replay.cameras)
    for name in wanted:
        cameras.camera(name)
    for name in spec.angles:
        _check_covered(cameras, name, spec.start_s, spec.end_s)
    if spec.replay:
        for name in replay_cameras(spec, cameras):
            _check_covered(cameras, name, spec.replay.start_s, spec.replay.end_s)
    if spec.sweep:
        for cam in cameras.cameras:
            _check_covered(cameras, cam.name, spec.sweep.at_s, spec.sweep.at_s)
    total_s = planned_duration_s(spec, cameras)
    if total_s > max_clip_s:
        raise InputError(
            f"the clip would last {total_s:.1f} s, longer than the {max_clip_s:.0f} s maximum",
            hint="shorten the window, the slow motion or the replay, "
            "or raise HOSTCITY_REPLAY__MAX_CLIP_S",
        )


def replay_cameras(spec: ClipSpec, cameras: CameraSet) -> list[str]:
    """Cameras of the multi-angle replay, in position order."""
    if spec.replay is None:
        return []
    chosen = set(spec.replay.cameras) or {c.name for c in cameras.cameras}
    return [c.name for c in sorted(cameras.cameras, key=lambda c: c.position) if c.name in chosen]


def planned_duration_s(spec: ClipSpec, cameras: CameraSet) -> float:
    """Approximate output length in seconds (the EDL gives the exact frame count)."""
    total = spec.window_s
    if spec.slowmo:
        total += (spec.slowmo.factor - 1.0) * (spec.slowmo.end_s - spec.slowmo.start_s)
    if spec.sweep:
        total += spec.sweep.hold_s * len(cameras.cameras)
    if spec.replay:
        per = (spec.replay.end_s - spec.replay.start_s) * spec.replay.factor
        total += per * len(replay_cameras(spec, cameras))
    if spec.title:
        total += spec.title.duration_s
    if spec.branding:
        total += spec.branding.intro_s + spec.branding.outro_s
    return total


def _check_covered(cameras: CameraSet, name: str, start_s: float, end_s: float) -> None:
    cam = cameras.camera(name)
    slack_s = 1e-6
    if start_s < cam.start_s - slack_s or end_s > cam.end_s + slack_s:
        raise InputError(
            f"the window {start_s:.3f}-{end_s:.3f} s lies outside camera {name!r} of set "
            f"{cameras.name!r}, which covers {cam.start_s:.3f}-{cam.end_s:.3f} s",
            hint="pick a window inside the recording (see 'hostcity replay sets')",
        )


__all__ = [
    "Branding",
    "ClipFormat",
    "ClipSpec",
    "Loudness",
    "LowerThird",
    "MultiAngleReplay",
    "NotFoundError",
    "SlowMotion",
    "Sweep",
    "TitleCard",
    "planned_duration_s",
    "replay_cameras",
    "validate_against_set",
]
