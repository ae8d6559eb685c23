"""Plain data shared by the recordings and clips features of Replay Studio."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path


@dataclass(frozen=True)
class Camera:
    """One synchronised camera of a set.

    Attributes:
        name: Unique within the set, e.g. 'cam2'.
        path: The video file (any container FFmpeg reads).
        offset_s: Where this file's t=0 lies on the set's shared timeline, in seconds.
            A frame at file time t shows the moment ``t + offset_s`` of the session.
        duration_s: The file's duration in seconds.
        fps: Frame rate as an exact fraction.
        width: Frame width in pixels.
        height: Frame height in pixels.
        has_audio: Whether the file carries an audio stream.
        position: Order of the camera around the venue, for sweeps (lower first).
        angle_deg: Optional bearing of the camera around the field of play.
    """

    name: str
    path: Path
    offset_s: float
    duration_s: float
    fps: Fraction
    width: int
    height: int
    has_audio: bool
    position: int
    angle_deg: float | None = None

    @property
    def start_s(self) -> float:
        """First moment of the shared timeline this camera covers."""
        return self.offset_s

    @property
    def end_s(self) -> float:
        """Last moment of the shared timeline this camera covers."""
        return self.offset_s + self.duration_s


@dataclass(frozen=True)
class CameraSet:
    """A session's synchronised multi-camera recording.

    Attributes:
        id: Database id.
        name: Unique, user-chosen name, e.g. 'speed-skating-final'.
        cameras: Cameras ordered by ``position``.
        action_track: Optional path of the action on the shared timeline, per camera:
            camera name -> list of (time_s, x_center, y_center, box_w, box_h) in pixels.
            Known for generated demo footage; used for auto-reframe when present.
    """

    id: int
    name: str
    cameras: tuple[Camera, ...]
    action_track: dict[str, list[tuple[float, float, float, float, float]]] | None = None

    def camera(self, name: str) -> Camera:
        """The camera called ``name``.

        Raises:
            NotFoundError: naming the cameras that exist.
        """
        from hostcity.core.errors import NotFoundError

        for cam in self.cameras:
            if cam.name == name:
                return cam
        known = ", ".join(c.name for c in self.cameras)
        raise NotFoundError(
            f"set {self.name!r} has no camera {name!r}", hint=f"use one of: {known}"
        )

    @property
    def start_s(self) -> float:
        """Earliest moment any camera covers."""
        return min(c.start_s for c in self.cameras)

    @property
    def end_s(self) -> float:
        """Latest moment any camera covers."""
        return max(c.end_s for c in self.cameras)
