"""Writes the generated demo event to video files with FFmpeg, plus a truth JSON beside them."""

from __future__ import annotations

import json
import subprocess
import tempfile
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from hostcity.core.errors import DependencyError, StorageError
from hostcity.replay.recordings import scene as sc
from hostcity.replay.recordings.adapters.ffmpeg import ffmpeg_exe

TRUTH_FILE = "truth.json"
TRACK_STEP_S = 0.1


def _write_wav(path: Path, samples: np.ndarray, rate: int) -> None:
    pcm = (np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())


def _encode_camera(
    scene: sc.Scene, rig: sc.Rig, wav: Path, out: Path, report: Callable[[float], None]
) -> None:
    frames = round(rig.duration_s * scene.fps)
    fps = f"{scene.fps.numerator}/{scene.fps.denominator}"
    gop = str(max(1, int(scene.fps)))
    args = [
        ffmpeg_exe(), "-hide_banner", "-v", "error", "-y",
        "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{scene.width}x{scene.height}",
        "-framerate", fps, "-i", "pipe:0", "-i", str(wav),
        "-map", "0:v", "-map", "1:a",
        "-c:v", "libx264", "-preset", "ultrafast", "-crf", "23", "-g", gop,
        "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "128k",
        "-movflags", "+faststart", str(out),
    ]  # fmt: skip
    backgrounds = [sc.render_background(scene, rig, v) for v in (0, 1)]
    times = rig.offset_s + np.arange(frames) / float(scene.fps)
    boxes = sc.subject_boxes(scene, rig, times)
    xs, ys = sc.skater_world(scene, times)
    feet = np.stack([xs, ys, np.zeros_like(xs)], axis=-1)
    _, _, depths = sc.project(rig, scene.width, scene.height, feet)
    cheering = sc.excitement(scene, times) > 0.3
    # stderr goes to a file: a pipe nobody reads while we write frames could fill and block.
    with (
        tempfile.TemporaryFile() as errors,
        subprocess.Popen(args, stdin=subprocess.PIPE, stderr=errors) as proc,
    ):
        assert proc.stdin is not None
        try:
            for i in range(frames):
                # The crowd waves while it cheers: alternate two textures of the stands.
                bg = backgrounds[i % 2] if cheering[i] else backgrounds[0]
                proc.stdin.write(sc.draw_frame(bg, boxes[:, i, :], depths[:, i]).data)
                if i % 25 == 0:
                    report(i / frames)
            proc.stdin.close()
        except BrokenPipeError:
            pass
        code = proc.wait()
        errors.seek(0)
        stderr = errors.read().decode(errors="replace")
    if code != 0:
        out.unlink(missing_ok=True)
        if "No space left" in stderr:
            raise StorageError(f"disk full while writing {out}", hint="free space and run again")
        raise DependencyError(f"ffmpeg failed to encode {out.name}: {stderr.strip()[-400:]}")


def truth(scene: sc.Scene, files: dict[str, str]) -> dict[str, Any]:
    """The known facts of the event: offsets, crowd peaks, action path and per-camera boxes."""
    shared = np.arange(0.0, scene.seconds + 1e-9, TRACK_STEP_S)
    xs, ys = sc.skater_world(scene, shared)
    boxes: dict[str, list[list[float]]] = {}
    for rig in scene.rigs:
        inside = (shared >= rig.offset_s) & (shared <= rig.offset_s + rig.duration_s)
        box = sc.subject_boxes(scene, rig, shared)[sc.SUBJECT]
        boxes[rig.name] = [
            [round(float(t), 3), *(round(float(v), 2) for v in b)]
            for t, b, ok in zip(shared, box, inside, strict=True)
            if ok
        ]
    return {
        "seconds": scene.seconds,
        "width": scene.width,
        "height": scene.height,
        "fps": f"{scene.fps.numerator}/{scene.fps.denominator}",
        "seed": scene.seed,
        "cameras": [
            {
                "name": rig.name,
                "file": files[rig.name],
                "offset_s": rig.offset_s,
                "duration_s": rig.duration_s,
                "audio_delay_s": rig.audio_delay_s,
                "position": i + 1,
                "angle_deg": rig.angle_deg,
                "position_m": list(rig.position_m),
                "look_at_m": list(rig.look_at_m),
                "hfov_deg": rig.hfov_deg,
            }
            for i, rig in enumerate(scene.rigs)
        ],
        "peaks_s": list(scene.peaks_s),
        "peak_gains_db": list(scene.peak_gains_db),
        "claps_s": list(scene.claps_s),
        "action_path": [
            [round(float(t), 3), round(float(x), 3), round(float(y), 3)]
            for t, x, y in zip(shared, xs[sc.SUBJECT], ys[sc.SUBJECT], strict=True)
        ],
        "boxes": boxes,
    }


def write_footage(
    scene: sc.Scene, out_dir: Path, report: Callable[[float, str], None] | None = None
) -> dict[str, Any]:
    """Render every camera of ``scene`` into ``out_dir`` and write ``truth.json``.

    Returns:
        The truth document (also written to ``out_dir / 'truth.json'``).

    Raises:
        StorageError: when the directory cannot be written or the disk fills.
        DependencyError: when FFmpeg fails.
    """
    progress = report or (lambda _f, _m: None)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(f"cannot create {out_dir}: {exc.strerror}") from exc
    source, start_s = sc.crowd_source(scene)
    files: dict[str, str] = {}
    count = len(scene.rigs)
    with tempfile.TemporaryDirectory(prefix="hostcity-footage-") as tmp:
        for k, rig in enumerate(scene.rigs):
            wav = Path(tmp) / f"{rig.name}.wav"
            _write_wav(wav, sc.camera_audio(scene, rig, source, start_s), scene.sample_rate_hz)
            name = f"{rig.name}.mp4"

            def step(fraction: float, k: int = k, cam: str = rig.name) -> None:
                progress((k + fraction) / count, f"rendering {cam}")

            _encode_camera(scene, rig, wav, out_dir / name, step)
            files[rig.name] = name
    doc = truth(scene, files)
    (out_dir / TRUTH_FILE).write_text(json.dumps(doc))
    progress(1.0, "done")
    return doc
