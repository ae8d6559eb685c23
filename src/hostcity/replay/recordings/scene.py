"""The generated demo event: skaters on an oval seen by calibrated cameras, with crowd audio."""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from numpy.typing import NDArray

from hostcity.core.errors import InputError

OVAL_A_M = 30.0  # semi-axis along x of the oval's outer track edge
OVAL_B_M = 13.0  # semi-axis along y
SKATER_HEIGHT_M = 1.8
SKATER_WIDTH_M = 0.7
SKATER_COLOURS = ((220, 40, 40), (30, 80, 200), (240, 190, 20))
SUBJECT = 0  # the leading skater, whose box is the "action" in the truth
# Offsets (s) at which each camera's file starts on the shared timeline, and trailing cuts;
# deliberately not multiples of a frame so synchronisation has to be sub-frame accurate.
CAMERA_OFFSETS_S = (0.0, 1.37, 0.52, 2.29, 0.91, 1.83)
CAMERA_TAILS_S = (0.0, 0.64, 1.13, 0.31, 0.77, 0.2)
MAX_CAMERAS = len(CAMERA_OFFSETS_S)
SPEED_OF_SOUND_MPS = 343.0
CROWD_MIC_DISTANCE_M = 4.0  # extra path to each camera's mic from the stand nearest to it


@dataclass(frozen=True)
class Rig:
    """A calibrated camera of the demo event.

    Attributes:
        name: Camera name, e.g. 'cam1'.
        position_m: Camera centre (x, y, z) in metres, z up.
        look_at_m: The point the optical axis passes through.
        hfov_deg: Horizontal field of view.
        offset_s: Where the file's t=0 lies on the shared timeline.
        duration_s: Length of the file.
        audio_delay_s: Sound travel time from the crowd to this camera's microphone.
        angle_deg: Bearing of the camera around the oval.
    """

    name: str
    position_m: tuple[float, float, float]
    look_at_m: tuple[float, float, float]
    hfov_deg: float
    offset_s: float
    duration_s: float
    audio_delay_s: float
    angle_deg: float


@dataclass(frozen=True)
class Scene:
    """Everything that defines a generated event; the same scene always renders the same files."""

    seconds: float
    width: int
    height: int
    fps: Fraction
    sample_rate_hz: int
    seed: int
    rigs: tuple[Rig, ...]
    peaks_s: tuple[float, ...]
    peak_gains_db: tuple[float, ...]
    claps_s: tuple[float, ...] = ()


def make_scene(
    *,
    seconds: float = 30.0,
    width: int = 1920,
    height: int = 1080,
    fps: Fraction = Fraction(25),
    cameras: int = 4,
    seed: int = 7,
    sample_rate_hz: int = 48_000,
) -> Scene:
    """Lay out cameras, offsets and crowd peaks for an event of ``seconds``.

    Raises:
        InputError: for a duration, size or camera count the generator cannot make.
    """
    if not 4 <= cameras <= MAX_CAMERAS:
        raise InputError(f"cannot generate {cameras} cameras", hint=f"use 4 to {MAX_CAMERAS}")
    if not 10.0 <= seconds <= 600.0:
        raise InputError(f"cannot generate {seconds} s of footage", hint="use 10 to 600 seconds")
    if width < 64 or height < 36 or width % 2 or height % 2:
        raise InputError(f"bad frame size {width}x{height}", hint="use even sizes >= 64x36")
    rng = np.random.default_rng(seed)
    rigs = []
    for i in range(cameras):
        bearing = -90.0 + 360.0 * i / cameras
        rad = math.radians(bearing)
        pos = ((OVAL_A_M + 14.0) * math.cos(rad), (OVAL_B_M + 14.0) * math.sin(rad), 7.0 + i % 3)
        duration = seconds - CAMERA_OFFSETS_S[i] - CAMERA_TAILS_S[i]
        rigs.append(
            Rig(
                name=f"cam{i + 1}",
                position_m=pos,
                look_at_m=(0.1 * pos[0], 0.1 * pos[1], 0.0),
                hfov_deg=75.0 if i % 2 == 0 else 60.0,
                offset_s=CAMERA_OFFSETS_S[i],
                duration_s=round(duration, 3),
                audio_delay_s=round((CROWD_MIC_DISTANCE_M + i) / SPEED_OF_SOUND_MPS, 4),
                angle_deg=bearing % 360.0,
            )
        )
    first = max(CAMERA_OFFSETS_S[:cameras]) + 2.0
    last = seconds - max(CAMERA_TAILS_S[:cameras]) - 2.0
    count = max(2, int((last - first) / 5.5) + 1)
    spacing = (last - first) / max(1, count - 1)
    peaks = [first + k * spacing + float(rng.uniform(-0.6, 0.6)) for k in range(count)]
    peaks = [min(last, max(first, p)) for p in peaks]
    gains = [float(rng.uniform(10.0, 16.0)) for _ in peaks]
    # Distractors: short loud claps and horn blasts away from the peaks, which a detector
    # must not report as highlights.
    claps: list[float] = []
    for t in rng.uniform(1.0, seconds - 1.0, size=max(2, int(seconds / 3))):
        if min(abs(t - p) for p in peaks) > 1.8 and all(abs(t - c) > 2.0 for c in claps):
            claps.append(float(t))
    return Scene(
        seconds=seconds,
        width=width,
        height=height,
        fps=fps,
        sample_rate_hz=sample_rate_hz,
        seed=seed,
        rigs=tuple(rigs),
        peaks_s=tuple(round(p, 3) for p in peaks),
        peak_gains_db=tuple(round(g, 2) for g in gains),
        claps_s=tuple(sorted(round(c, 3) for c in claps)),
    )


def excitement(scene: Scene, t_s: NDArray[np.float64]) -> NDArray[np.float64]:
    """Crowd excitement in [0, 1] at shared times: a bump of 0.5 s sigma around each peak."""
    out = np.zeros_like(t_s, dtype=np.float64)
    for peak in scene.peaks_s:
        out = np.maximum(out, np.exp(-0.5 * ((t_s - peak) / 0.5) ** 2))
    return out


def skater_params(scene: Scene, t_s: NDArray[np.float64]) -> NDArray[np.float64]:
    """Oval parameter (radians) of every skater at shared times, shape (skaters, len(t))."""
    base_rate = 0.5  # rad/s, about a 12.5 s lap
    # Skaters sprint when the crowd roars: integrate the speed so the path stays smooth.
    dt = 0.01
    grid = np.arange(-1.0, scene.seconds + 1.0, dt)
    rate = base_rate * (1.0 + 0.35 * excitement(scene, grid))
    phase = np.cumsum(rate) * dt
    lead = np.interp(t_s, grid, phase)
    gaps = np.array([0.0, -0.35, -0.62])
    wobble = np.array([0.0, 0.05, 0.08])
    theta = lead[None, :] + gaps[:, None] + wobble[:, None] * np.sin(0.7 * t_s[None, :])
    return np.asarray(theta, dtype=np.float64)


def skater_world(
    scene: Scene, t_s: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Ground positions (x, y) in metres of every skater, each shape (skaters, len(t))."""
    theta = skater_params(scene, t_s)
    lane = np.array([0.93, 0.88, 0.96])[:, None]
    return OVAL_A_M * lane * np.cos(theta), OVAL_B_M * lane * np.sin(theta)


def _rotation(rig: Rig) -> NDArray[np.float64]:
    """World-to-camera rotation: rows are right, down and forward."""
    forward = np.subtract(rig.look_at_m, rig.position_m)
    forward /= np.linalg.norm(forward)
    right = np.cross(forward, (0.0, 0.0, 1.0))
    right /= np.linalg.norm(right)
    down = np.cross(forward, right)
    return np.stack([right, down, forward])


def _focal_px(rig: Rig, width: int) -> float:
    return (width / 2.0) / math.tan(math.radians(rig.hfov_deg) / 2.0)


def project(
    rig: Rig, width: int, height: int, points_m: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Pixel coordinates (u, v) and depth of world points, shape (..., 3) in, (...) out."""
    cam = (points_m - np.asarray(rig.position_m)) @ _rotation(rig).T
    focal = _focal_px(rig, width)
    depth = cam[..., 2]
    safe = np.where(depth > 0.1, depth, 0.1)
    return (
        focal * cam[..., 0] / safe + width / 2.0,
        focal * cam[..., 1] / safe + height / 2.0,
        depth,
    )


def subject_boxes(scene: Scene, rig: Rig, t_s: NDArray[np.float64]) -> NDArray[np.float64]:
    """Boxes (x_center, y_center, w, h) in pixels of every skater, shape (skaters, len(t), 4)."""
    xs, ys = skater_world(scene, t_s)
    feet = np.stack([xs, ys, np.zeros_like(xs)], axis=-1)
    heads = feet + np.array([0.0, 0.0, SKATER_HEIGHT_M])
    u0, v0, depth = project(rig, scene.width, scene.height, feet)
    _, v1, _ = project(rig, scene.width, scene.height, heads)
    h = np.abs(v0 - v1)
    w = _focal_px(rig, scene.width) * SKATER_WIDTH_M / np.maximum(depth, 0.1)
    return np.stack([u0, (v0 + v1) / 2.0, w, h], axis=-1)


def render_background(scene: Scene, rig: Rig, variant: int) -> NDArray[np.uint8]:
    """The static view of the venue from ``rig`` (RGB), crowd texture picked by ``variant``."""
    height, width = scene.height, scene.width
    focal = _focal_px(rig, width)
    u = (np.arange(width) + 0.5 - width / 2.0) / focal
    v = (np.arange(height) + 0.5 - height / 2.0) / focal
    rays = np.stack(np.broadcast_arrays(u[None, :], v[:, None], np.ones((1, 1))), axis=-1)
    world = rays @ _rotation(rig)
    down = world[..., 2] < -1e-6
    t = np.where(down, -rig.position_m[2] / np.where(down, world[..., 2], -1.0), np.inf)
    gx = rig.position_m[0] + t * world[..., 0]
    gy = rig.position_m[1] + t * world[..., 1]
    rho = np.sqrt((gx / OVAL_A_M) ** 2 + (gy / OVAL_B_M) ** 2)
    image = np.empty((height, width, 3), dtype=np.uint8)
    image[:] = (205, 222, 236)  # infield ice
    ring = (rho >= 0.84) & (rho <= 1.0)
    image[ring] = (236, 244, 250)
    image[np.abs(rho - 0.92) < 0.006] = (120, 150, 200)
    image[(rho > 1.0) & (rho <= 1.06)] = (250, 250, 250)
    boards = (rho > 1.06) & (rho <= 1.12)
    image[boards] = (30, 60, 140)
    image[(rho > 1.12) & down] = (70, 74, 82)  # concourse floor
    stands = ~down | (rho > 1.5)
    rng = np.random.default_rng(scene.seed * 100 + variant)
    palette = np.array([(55, 58, 70), (150, 60, 60), (170, 170, 175), (60, 90, 150)], np.uint8)
    # Coarse cells read as a crowd and compress well; their size follows the frame size.
    cell = max(2, width // 160)
    cells = rng.integers(0, len(palette), size=(height // cell + 1, width // cell + 1))
    crowd = palette[np.repeat(np.repeat(cells, cell, axis=0), cell, axis=1)[:height, :width]]
    image[stands] = crowd[stands]
    return image


def draw_frame(
    background: NDArray[np.uint8], boxes: NDArray[np.float64], depths: NDArray[np.float64]
) -> NDArray[np.uint8]:
    """A copy of ``background`` with the skaters drawn far to near as filled boxes."""
    frame = background.copy()
    height, width = frame.shape[:2]
    for k in np.argsort(-depths):
        if depths[k] <= 0.5:
            continue
        xc, yc, w, h = boxes[k]
        x0, x1 = int(max(0, xc - w / 2)), int(min(width, xc + w / 2 + 1))
        y0, y1 = int(max(0, yc - h / 2)), int(min(height, yc + h / 2 + 1))
        if x1 <= x0 or y1 <= y0:
            continue
        frame[y0:y1, x0:x1] = SKATER_COLOURS[k % len(SKATER_COLOURS)]
        head = max(1, (y1 - y0) // 6)
        frame[y0 : y0 + head, x0:x1] = (30, 30, 30)
    return frame


def crowd_source(scene: Scene) -> tuple[NDArray[np.float64], float]:
    """The crowd's sound on the shared timeline with its loudness envelope applied.

    Returns:
        Samples starting at shared time ``start_s`` (the second value), at the scene's rate.
    """
    from scipy.signal import lfilter

    start_s = -1.0
    rate = scene.sample_rate_hz
    n = int((scene.seconds + 2.0) * rate)
    rng = np.random.default_rng(scene.seed)
    noise = lfilter([1.0], [1.0, -0.6], rng.standard_normal(n))
    t = start_s + np.arange(n) / rate
    level_db = -32.0 + 1.5 * np.sin(2 * np.pi * t / 7.3) + 1.0 * np.sin(2 * np.pi * t / 3.1 + 1.0)
    for peak, gain in zip(scene.peaks_s, scene.peak_gains_db, strict=True):
        level_db = level_db + gain * np.exp(-0.5 * ((t - peak) / 0.45) ** 2)
    for clap in scene.claps_s:
        level_db = level_db + 14.0 * ((t >= clap) & (t < clap + 0.12))
    noise /= np.sqrt(np.mean(noise**2))
    return noise * 10.0 ** (level_db / 20.0), start_s


def camera_audio(
    scene: Scene, rig: Rig, source: NDArray[np.float64], start_s: float
) -> NDArray[np.float32]:
    """What ``rig``'s microphone records over its file: delayed, coloured crowd plus hiss."""
    from scipy.signal import lfilter

    rate = scene.sample_rate_hz
    n = round(rig.duration_s * rate)
    first = round((rig.offset_s - rig.audio_delay_s - start_s) * rate)
    heard = source[first : first + n]
    index = int(rig.name.removeprefix("cam") or 0)
    hiss = np.random.default_rng(scene.seed * 31 + index).standard_normal(n) * 10.0 ** (-52 / 20)
    gain = 10.0 ** (-(index % 3) * 1.5 / 20.0)
    # Every microphone colours the sound differently: a one-pole low-pass of its own.
    pole = 0.1 + 0.2 * (index % 3)
    coloured = lfilter([1.0 - pole], [1.0, -pole], heard)
    return np.asarray(np.clip(gain * coloured + hiss, -1.0, 1.0), dtype=np.float32)
