"""Evaluation on generated events: sync error against the truth, and highlight F1 per seed."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from hostcity.replay.recordings import importing, sync
from hostcity.replay.recordings.adapters import media
from hostcity.replay.recordings.adapters.footage import write_footage
from hostcity.replay.recordings.highlights import find_highlights, match_peaks
from hostcity.replay.recordings.scene import make_scene
from hostcity.replay.types import Camera, CameraSet


@dataclass(frozen=True)
class SeedResult:
    """How one generated event came out."""

    seed: int
    peaks: int
    found: int
    f1: float
    max_sync_error_frames: float
    min_sync_confidence: float
    generate_s: float
    analyse_s: float


def evaluate_seed(
    seed: int, *, seconds: float, size: tuple[int, int], workdir: Path, cameras: int = 4
) -> SeedResult:
    """Generate one event, analyse and sync it as an import would, and score the result."""
    width, height = size
    scene = make_scene(seconds=seconds, width=width, height=height, cameras=cameras, seed=seed)
    folder = workdir / f"seed-{seed}"
    started = time.perf_counter()
    truth = write_footage(scene, folder)
    generated = time.perf_counter()
    cams, signals, envelopes = [], {}, []
    for spec in truth["cameras"]:
        path = folder / spec["file"]
        info = media.probe(path)
        sig, env, _, _ = importing.analyse(path, info, folder / f"{spec['name']}.jpg", 2.0)
        signals[spec["name"]] = sig
        envelopes.append(env)
        cams.append((spec, info))
    found_offsets = sync.offsets_from_audio(envelopes)
    placed = [
        Camera(spec["name"], folder / spec["file"], found.offset_s, info.duration_s, info.fps,
               info.width, info.height, info.has_audio, spec["position"])
        for (spec, info), found in zip(cams, found_offsets, strict=True)
    ]  # fmt: skip
    cset = CameraSet(seed, f"seed-{seed}", tuple(placed))
    moments = find_highlights(cset, signals, top=50)
    analysed = time.perf_counter()
    frame_s = 1.0 / float(Fraction(truth["fps"]))
    errors = [
        abs(a.offset_s - s["offset_s"]) / frame_s
        for (s, _), a in zip(cams, found_offsets, strict=True)
    ]
    return SeedResult(
        seed=seed,
        peaks=len(truth["peaks_s"]),
        found=len(moments),
        f1=round(match_peaks([m.peak_s for m in moments], truth["peaks_s"]), 3),
        max_sync_error_frames=round(max(errors), 3),
        min_sync_confidence=min(a.confidence or 0.0 for a in found_offsets),
        generate_s=round(generated - started, 2),
        analyse_s=round(analysed - generated, 2),
    )


def evaluate(
    seeds: Sequence[int],
    *,
    seconds: float,
    size: tuple[int, int],
    report: Callable[[float, str], None] | None = None,
) -> dict[str, Any]:
    """Score several generated events; the footage goes to a temporary folder."""
    progress = report or (lambda _f, _m: None)
    results = []
    with tempfile.TemporaryDirectory(prefix="hostcity-eval-") as tmp:
        for k, seed in enumerate(seeds):
            progress(k / len(seeds), f"seed {seed}")
            results.append(evaluate_seed(seed, seconds=seconds, size=size, workdir=Path(tmp)))
    progress(1.0, "done")
    peaks = sum(r.peaks for r in results)
    return {
        "seconds": seconds,
        "size": f"{size[0]}x{size[1]}",
        "seeds": [asdict(r) for r in results],
        "mean_f1": round(sum(r.f1 for r in results) / len(results), 3),
        "peaks": peaks,
        "max_sync_error_frames": max(r.max_sync_error_frames for r in results),
    }
