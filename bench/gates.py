"""Gate benchmark: decision time on 640x480 frames on one core, and 1:N search at 10k-1M templates.

Usage::

    nice -n 10 .venv/bin/python bench/gates.py --images ../shared/data/faces/lfw-dev/images \
        [--frames 60] [--sizes 10000,100000,1000000] [--json]

The baseline is the plain ``face_recognition`` library's default pipeline (HOG detector with one
upsampling, the 5-point "small" landmarks, one jitter, Euclidean distance <= 0.6 over a numpy
array). ``face_recognition`` 1.3 imports ``pkg_resources``, which setuptools >= 81 no longer ships,
so when it cannot be imported the same calls are made here on dlib-bin with the same models.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image


def _pin_one_core() -> None:
    # Pinned to one CPU, the thread pools of numpy, faiss and dlib share that one core.
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})


def _percentiles(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(p95, 1),
        "n": len(ordered),
    }


def make_frames(images_dir: Path, count: int, seed: int = 0) -> list[tuple[str, np.ndarray]]:
    """640x480 gate frames: an LFW photo (1.5x, face about 150 px) on a grey background."""
    rng = np.random.default_rng(seed)
    people = sorted(
        p for p in images_dir.iterdir() if p.is_dir() and len(list(p.glob("*.jpg"))) >= 2
    )
    frames = []
    for person in rng.choice(people, size=min(count, len(people)), replace=False):
        files = sorted(person.glob("*.jpg"))
        with Image.open(files[1]) as image:
            photo = np.asarray(image.convert("RGB").resize((375, 375)))
        frame = np.full((480, 640, 3), 100, dtype=np.uint8)
        top, left = int(rng.integers(0, 105)), int(rng.integers(0, 265))
        frame[top : top + 375, left : left + 375] = photo
        frames.append((person.name, frame))
    return frames


def baseline_pipeline() -> tuple[str, Callable[[np.ndarray, np.ndarray], bool]]:
    """The plain face_recognition default pipeline (the library, or its calls on dlib-bin)."""
    try:
        import face_recognition

        def library(frame: np.ndarray, known: np.ndarray) -> bool:
            boxes = face_recognition.face_locations(frame)
            encodings = face_recognition.face_encodings(frame, boxes)
            return bool(encodings) and bool(
                np.any(face_recognition.compare_faces(known, encodings[0]))
            )

        return "face_recognition library", library
    except Exception:  # ImportError, or pkg_resources missing inside it
        import dlib

        from hostcity.smartpass.faces.adapters.engine import MODEL_FILES, models_dir

        folder = models_dir()
        detector = dlib.get_frontal_face_detector()
        predictor = dlib.shape_predictor(str(folder / MODEL_FILES["landmarks"]))
        resnet = dlib.face_recognition_model_v1(str(folder / MODEL_FILES["resnet"]))

        def reproduced(frame: np.ndarray, known: np.ndarray) -> bool:
            rects = detector(frame, 1)
            if not rects:
                return False
            shape = predictor(frame, rects[0])
            encoding = np.array(resnet.compute_face_descriptor(frame, shape, 1))
            return bool(np.any(np.linalg.norm(known - encoding, axis=1) <= 0.6))

        return "face_recognition default pipeline reproduced on dlib-bin", reproduced


def bench_gate(images_dir: Path, frames_n: int, gallery_n: int) -> dict[str, Any]:
    """Time HostCity's gate decision (service.verify) and the baseline on the same frames."""
    from hostcity.core.auth import Role, create_user
    from hostcity.core.db import session_scope
    from hostcity.core.platform import open_platform
    from hostcity.core.settings import load_settings
    from hostcity.core.timeutil import utcnow
    from hostcity.smartpass.faces.adapters.images import encode_jpeg
    from hostcity.smartpass.faces.records import issue_ticket
    from hostcity.smartpass.faces.service import GateRequest
    from hostcity.smartpass.faces.setup import service

    frames = make_frames(images_dir, frames_n)
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(
            data_dir=Path(tmp),
            secret_key="bench-secret-0123456789",
            brain={"twin_enabled": False},
            smartpass={"rate_limit_per_minute": 1_000_000},
        )
        platform = open_platform(settings)
        try:
            faces = service(platform)
            now = utcnow()
            with session_scope(platform.session_factory) as session:
                gate = create_user(session, name="bench gate", role=Role.GATE, venue_id="v1")
                fan = create_user(session, name="bench fan", role=Role.FAN)
            enrolled = 0
            for number, (name, _frame) in enumerate(frames):
                first = sorted((images_dir / name).glob("*.jpg"))[0]
                photo = np.asarray(Image.open(first).convert("RGB").resize((375, 375)))
                with session_scope(platform.session_factory) as session:
                    issue_ticket(
                        session,
                        ticket_id=f"T{number}",
                        venue_id="v1",
                        valid_from=now - timedelta(hours=1),
                    )
                try:
                    with session_scope(platform.session_factory) as session:
                        faces.enrol(
                            session,
                            actor=fan.principal,
                            photos=[encode_jpeg(photo)],
                            name=name,
                            ticket_ids=[f"T{number}"],
                            consent=True,
                            consent_version="bench",
                        )
                    enrolled += 1
                except Exception:  # a photo that fails the quality checks is skipped
                    continue
            rng = np.random.default_rng(1)
            filler = rng.standard_normal((gallery_n, 128)).astype(np.float32)
            filler /= np.linalg.norm(filler, axis=1, keepdims=True)
            faces.gallery().add(
                holder_id=10**9,
                venue_ids=["v1"],
                templates=list(zip(range(10**8, 10**8 + gallery_n), filler, strict=True)),
            )
            ours: list[float] = []
            ours_cpu: list[float] = []
            decisions: dict[str, int] = {}
            for _name, frame in frames:
                data = encode_jpeg(frame)
                started, started_cpu = time.perf_counter(), time.process_time()
                with session_scope(platform.session_factory) as session:
                    result = faces.verify(
                        session, actor=gate.principal, request=GateRequest("g1", "v1", data)
                    )
                ours.append((time.perf_counter() - started) * 1000)
                ours_cpu.append((time.process_time() - started_cpu) * 1000)
                decisions[result["decision"]] = decisions.get(result["decision"], 0) + 1
        finally:
            platform.close()
    label, baseline = baseline_pipeline()
    known = np.random.default_rng(2).standard_normal((gallery_n, 128)) * 0.1
    theirs: list[float] = []
    theirs_cpu: list[float] = []
    for _name, frame in frames:
        data = encode_jpeg(frame)
        started, started_cpu = time.perf_counter(), time.process_time()
        rgb = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
        baseline(rgb, known)
        theirs.append((time.perf_counter() - started) * 1000)
        theirs_cpu.append((time.process_time() - started_cpu) * 1000)
    return {
        "frames": len(frames),
        "enrolled": enrolled,
        "gallery_templates": gallery_n + enrolled,
        "hostcity": {**_percentiles(ours), "cpu": _percentiles(ours_cpu), "decisions": decisions},
        "baseline": {**_percentiles(theirs), "cpu": _percentiles(theirs_cpu), "pipeline": label},
    }


def bench_search(sizes: list[int], probes_n: int = 200) -> list[dict[str, Any]]:
    """1:N search time and recall@1 of TemplateIndex against a plain numpy scan."""
    import faiss

    from hostcity.smartpass.faces.adapters.index import TemplateIndex

    faiss.omp_set_num_threads(1)
    rows = []
    rng = np.random.default_rng(0)
    for size in sizes:
        base = rng.standard_normal((size, 128)).astype(np.float32)
        base /= np.linalg.norm(base, axis=1, keepdims=True)
        picks = rng.choice(size, probes_n, replace=False)
        noise = rng.standard_normal((probes_n, 128)).astype(np.float32) * 0.04
        probes = base[picks] + noise
        probes /= np.linalg.norm(probes, axis=1, keepdims=True)
        started = time.perf_counter()
        index = TemplateIndex()
        index.add(list(range(size)), base)
        build_s = time.perf_counter() - started
        numpy_ms, index_ms, numpy_cpu, index_cpu, agree = [], [], [], [], 0
        for probe, truth in zip(probes, picks, strict=True):
            t0, c0 = time.perf_counter(), time.process_time()
            best_numpy = int(np.argmax(base @ probe))
            t1, c1 = time.perf_counter(), time.process_time()
            hits = index.search(probe, 5)
            t2, c2 = time.perf_counter(), time.process_time()
            numpy_ms.append((t1 - t0) * 1000)
            index_ms.append((t2 - t1) * 1000)
            numpy_cpu.append((c1 - c0) * 1000)
            index_cpu.append((c2 - c1) * 1000)
            agree += int(hits[0].template_id == best_numpy == truth)
        rows.append(
            {
                "templates": size,
                "mode": "ivf" if index.approximate else "exact",
                "index": _percentiles(index_ms),
                "numpy": _percentiles(numpy_ms),
                "index_cpu": _percentiles(index_cpu),
                "numpy_cpu": _percentiles(numpy_cpu),
                "recall_at_1": round(agree / probes_n, 4),
                "build_s": round(build_s, 1),
            }
        )
        del index, base
    return rows


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a table, or one JSON object with --json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=Path, required=True, help="LFW images folder")
    parser.add_argument("--frames", type=int, default=60, help="0 skips the gate part")
    parser.add_argument("--gallery", type=int, default=10_000, help="filler templates at the gate")
    parser.add_argument("--sizes", default="10000,100000,1000000", help="'' skips the search")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not args.images.is_dir():
        print(f"error: images folder {args.images} does not exist", file=sys.stderr)
        return 1
    _pin_one_core()
    gate = bench_gate(args.images, args.frames, args.gallery) if args.frames else None
    search = bench_search([int(s) for s in args.sizes.split(",") if s])
    result = {"gate": gate, "search": search, "cpu": os.cpu_count()}
    if args.json:
        print(json.dumps(result))
        return 0
    if gate is not None:
        print(
            f"gate decision on 640x480, one core ({gate['frames']} frames, "
            f"{gate['gallery_templates']} templates at the venue):"
        )
        for key in ("hostcity", "baseline"):
            row = gate[key]
            print(
                f"  {key:<9} wall p50 {row['p50_ms']} ms p95 {row['p95_ms']} ms | CPU p50 "
                f"{row['cpu']['p50_ms']} ms p95 {row['cpu']['p95_ms']} ms"
            )
        print(
            f"  decisions {gate['hostcity']['decisions']}; baseline: {gate['baseline']['pipeline']}"
        )
    print("1:N search, one core (wall p50 / p95, CPU p95, ms):")
    for row in search:
        print(
            f"  {row['templates']:>9,} {row['mode']:<5} index {row['index']['p50_ms']} / "
            f"{row['index']['p95_ms']} / {row['index_cpu']['p95_ms']}  numpy "
            f"{row['numpy']['p50_ms']} / {row['numpy']['p95_ms']} / "
            f"{row['numpy_cpu']['p95_ms']}  recall@1 {row['recall_at_1']}  "
            f"build {row['build_s']} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
