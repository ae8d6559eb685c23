"""The edit decision list: a clip spec and a camera set in, exact frame-counted segments out."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from itertools import pairwise
from pathlib import Path

from hostcity.replay.clips.spec import ClipSpec, replay_cameras
from hostcity.replay.types import Camera, CameraSet

SAMPLE_RATE_HZ = 48_000


def exact(seconds: float) -> Fraction:
    """A time in seconds as the decimal the user meant (0.3 is 3/10, not the nearest double)."""
    return Fraction(seconds).limit_denominator(1_000_000)


def nearest(value: Fraction) -> int:
    """Round half up, so cuts at x.5 frames fall the same way everywhere."""
    return math.floor(value + Fraction(1, 2))


class SegmentKind(StrEnum):
    """What a segment shows."""

    PLAY = "play"
    FREEZE = "freeze"
    CARD = "card"


@dataclass(frozen=True)
class Card:
    """A full-frame text card on a solid colour, with an optional image."""

    lines: tuple[str, ...]
    background: str = "#101010"
    foreground: str = "#ffffff"
    image: str | None = None


@dataclass(frozen=True)
class Segment:
    """One piece of the output, in output frames.

    Attributes:
        kind: Play, freeze or card.
        label: Role in the edit ('intro', 'title', 'main', 'sweep', 'replay', 'outro').
        out_start_frame: First output frame of the segment.
        frames: Number of output frames.
        camera: Source camera (None for cards).
        source: Source file (None for cards).
        source_fps: Source frame rate.
        source_size: Source (width, height) in pixels.
        source_in_frame: First source frame, counted from the file's start.
        source_frames: Source frames consumed (1 for a freeze).
        slow_factor: Output time per source time (1 = real time, 2 = half speed).
        timeline_in_s: Shared-timeline moment of the first source frame.
        card: The card shown (cards only).
        audio: Whether to use the source audio (else silence).
    """

    kind: SegmentKind
    label: str
    out_start_frame: int
    frames: int
    camera: str | None = None
    source: Path | None = None
    source_fps: Fraction = Fraction(25)
    source_size: tuple[int, int] = (0, 0)
    source_in_frame: int = 0
    source_frames: int = 0
    slow_factor: float = 1.0
    timeline_in_s: float = 0.0
    card: Card | None = None
    audio: bool = False

    @property
    def source_in_s(self) -> Fraction:
        """File time of the first source frame, exactly."""
        return self.source_in_frame / self.source_fps


@dataclass(frozen=True)
class TextOverlay:
    """Text drawn over output frames ``[start_frame, end_frame)`` (the lower third)."""

    start_frame: int
    end_frame: int
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Edl:
    """The whole edit: output format, segments in order, overlays and the loudness target."""

    fps: Fraction
    width: int
    height: int
    reframe: bool
    loudness_lufs: float
    segments: tuple[Segment, ...]
    overlays: tuple[TextOverlay, ...] = field(default=())

    @property
    def total_frames(self) -> int:
        """Output frame count."""
        return sum(s.frames for s in self.segments)

    @property
    def duration_s(self) -> Fraction:
        """Exact output duration."""
        return self.total_frames / self.fps

    def samples_of(self, segment: Segment) -> int:
        """Audio samples for ``segment``, rounded cumulatively so A/V never drift."""
        start = nearest(segment.out_start_frame * SAMPLE_RATE_HZ / self.fps)
        end = nearest((segment.out_start_frame + segment.frames) * SAMPLE_RATE_HZ / self.fps)
        return end - start

    def to_dict(self) -> dict[str, object]:
        """JSON-ready summary for job results and the CLI."""
        return {
            "fps": str(self.fps),
            "width": self.width,
            "height": self.height,
            "frames": self.total_frames,
            "duration_s": float(self.duration_s),
            "segments": [
                {
                    "kind": s.kind.value,
                    "label": s.label,
                    "camera": s.camera,
                    "frames": s.frames,
                    "source_in_s": float(s.source_in_s),
                    "slow_factor": s.slow_factor,
                }
                for s in self.segments
            ],
        }


class _Builder:
    def __init__(self, fps: Fraction) -> None:
        self.fps = fps
        self.segments: list[Segment] = []
        self.frame = 0

    def frames_for(self, seconds: float) -> int:
        return max(1, nearest(exact(seconds) * self.fps))

    def card(self, label: str, seconds: float, card: Card) -> None:
        self._add(Segment(SegmentKind.CARD, label, self.frame, self.frames_for(seconds), card=card))

    def play(
        self, label: str, cam: Camera, start_s: float, timeline_frames: int, factor: float
    ) -> None:
        if timeline_frames <= 0:
            return
        in_frame = _source_frame(cam, start_s)
        src_frames = max(1, nearest(timeline_frames * cam.fps / self.fps))
        out_frames = max(1, nearest(timeline_frames * exact(factor)))
        self._add(
            Segment(
                SegmentKind.PLAY,
                label,
                self.frame,
                out_frames,
                camera=cam.name,
                source=cam.path,
                source_fps=cam.fps,
                source_size=(cam.width, cam.height),
                source_in_frame=in_frame,
                source_frames=src_frames,
                slow_factor=factor,
                timeline_in_s=cam.offset_s + float(in_frame / cam.fps),
                audio=cam.has_audio,
            )
        )

    def freeze(self, label: str, cam: Camera, at_s: float, seconds: float) -> None:
        in_frame = _source_frame(cam, at_s)
        self._add(
            Segment(
                SegmentKind.FREEZE,
                label,
                self.frame,
                self.frames_for(seconds),
                camera=cam.name,
                source=cam.path,
                source_fps=cam.fps,
                source_size=(cam.width, cam.height),
                source_in_frame=in_frame,
                source_frames=1,
                timeline_in_s=cam.offset_s + float(in_frame / cam.fps),
            )
        )

    def _add(self, segment: Segment) -> None:
        self.segments.append(segment)
        self.frame += segment.frames


def _source_frame(cam: Camera, timeline_s: float) -> int:
    last = max(0, math.floor(exact(cam.duration_s) * cam.fps) - 1)
    return min(last, max(0, nearest((exact(timeline_s) - exact(cam.offset_s)) * cam.fps)))


def build_edl(spec: ClipSpec, cameras: CameraSet) -> Edl:
    """Turn a validated spec into an exact edit decision list.

    The window plays at ``fps`` of the first angle; its frame count is ``(end_s - start_s) * fps``
    rounded half up, so the output lasts the requested time to within half a frame, plus the
    slow motion, sweep, replay and cards the spec asks for.

    Args:
        spec: A spec already checked with ``validate_against_set``.
        cameras: The camera set it refers to.
    """
    first = cameras.camera(spec.angles[0])
    fps = first.fps
    width, height = spec.format.size
    b = _Builder(fps)
    if spec.branding and spec.branding.intro_s > 0:
        b.card("intro", spec.branding.intro_s, _brand_card(spec))
    if spec.title:
        lines = tuple(x for x in (spec.title.text, spec.title.subtitle) if x)
        b.card("title", spec.title.duration_s, Card(lines))
    main_start = b.frame
    _main_window(b, spec, cameras)
    main_end = b.frame
    if spec.replay:
        replay = spec.replay
        frames = nearest((exact(replay.end_s) - exact(replay.start_s)) * fps)
        for name in replay_cameras(spec, cameras):
            b.play("replay", cameras.camera(name), replay.start_s, frames, replay.factor)
    if spec.branding and spec.branding.outro_s > 0:
        b.card("outro", spec.branding.outro_s, _brand_card(spec))
    overlays: list[TextOverlay] = []
    if spec.lower_third:
        lt = spec.lower_third
        start = min(main_end - 1, main_start + nearest(exact(lt.start_s) * fps))
        end = min(main_end, start + b.frames_for(lt.duration_s))
        lines = (lt.athlete, " · ".join(x for x in (lt.event, lt.score) if x))
        overlays.append(TextOverlay(start, end, tuple(x for x in lines if x)))
    return Edl(
        fps=fps,
        width=width,
        height=height,
        reframe=spec.format.value != "landscape",
        loudness_lufs=spec.loudness.lufs,
        segments=tuple(b.segments),
        overlays=tuple(overlays),
    )


def _brand_card(spec: ClipSpec) -> Card:
    assert spec.branding is not None
    brand = spec.branding
    return Card((brand.event_name,), brand.background, brand.foreground, brand.image)


def _main_window(b: _Builder, spec: ClipSpec, cameras: CameraSet) -> None:
    start, end = exact(spec.start_s), exact(spec.end_s)
    n = len(spec.angles)
    share = (end - start) / n
    cuts = {start, end} | {start + share * i for i in range(1, n)}
    if spec.slowmo:
        cuts |= {exact(spec.slowmo.start_s), exact(spec.slowmo.end_s)}
    if spec.sweep:
        cuts.add(exact(spec.sweep.at_s))
    points = sorted(cuts)
    for a, c in pairwise(points):
        mid = (a + c) / 2
        angle = spec.angles[min(n - 1, int((mid - start) / share))]
        factor = 1.0
        if spec.slowmo and spec.slowmo.start_s <= mid < spec.slowmo.end_s:
            factor = spec.slowmo.factor
        if spec.sweep and a == exact(spec.sweep.at_s):
            for cam in sorted(cameras.cameras, key=lambda x: x.position):
                b.freeze("sweep", cam, spec.sweep.at_s, spec.sweep.hold_s)
        frames = nearest((c - start) * b.fps) - nearest((a - start) * b.fps)
        b.play("main", cameras.camera(angle), float(a), frames, factor)
