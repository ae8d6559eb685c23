"""Replay benchmark: one standard clip rendered by HostCity, by moviepy and by one ffmpeg command.

Usage::

    nice -n 10 .venv/bin/python bench/replay.py [--out bench/out/replay] [--repeat 1] \
        [--threads 2] [--preset veryfast] [--skip-moviepy]

The standard job is a 10 s 1080p landscape clip (25 fps) with a 2 s title card, a lower third and
loudness normalisation to -14 LUFS, cut from 1080p sources the script generates with FFmpeg test
sources. The vertical job is the same edit reframed to 1080x1920 (HostCity follows the motion it
measures; moviepy follows a moving centre in a Python frame transform; the ffmpeg floor crops the
centre). All three encode with libx264 at the same preset, CRF 20 and thread count, AAC 192 kb/s.

moviepy runs from ``bench/out/moviepy-venv`` (created on first use) because it pins pillow < 12.
moviepy has no LUFS normaliser, so its edit uses its peak normaliser, which is cheaper.
The ffmpeg floor normalises loudness in one (dynamic) loudnorm pass; HostCity measures with the
EBU R128 meter, applies one linear gain, and checks the encoded audio.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from hostcity.replay.clips.adapters.ffmpeg import ffmpeg_exe, find_font
from hostcity.replay.clips.render import render_clip
from hostcity.replay.clips.spec import ClipSpec
from hostcity.replay.types import Camera, CameraSet

HERE = Path(__file__).resolve().parent
START_S, END_S = 5.0, 15.0
TITLE, LOWER = "500 m Final", ("A. Skater", "500 m", "34.12")


@dataclass(frozen=True)
class Job:
    """One benchmark job: output format and encoder settings shared by all three renderers."""

    fmt: str
    threads: int
    preset: str
    font: Path | None


def make_sources(folder: Path, seconds: float) -> CameraSet:
    """Two 1080p25 cameras with audio (generated once, reused)."""
    folder.mkdir(parents=True, exist_ok=True)
    cams = []
    for i, (video, audio) in enumerate(
        [("testsrc2", "sine=f=440"), ("smptebars", "anoisesrc=a=0.2:c=pink")]
    ):
        path = folder / f"cam{i + 1}-1080p.mp4"
        if not path.exists():
            subprocess.run(
                [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
                 "-f", "lavfi", "-i", f"{video}=s=1920x1080:r=25:d={seconds}",
                 "-f", "lavfi", "-i", f"{audio}:r=48000:d={seconds}",
                 "-c:v", "libx264", "-preset", "ultrafast", "-g", "50", "-pix_fmt", "yuv420p",
                 "-c:a", "aac", "-b:a", "192k", str(path)],
                check=True,
            )  # fmt: skip
        cams.append(Camera(f"cam{i + 1}", path, 0.0, seconds, Fraction(25), 1920, 1080, True, i))
    return CameraSet(1, "bench", tuple(cams))


def run_hostcity(cameras: CameraSet, job: Job, out: Path) -> float:
    spec = ClipSpec.parse(
        {
            "set": "bench", "angles": ["cam1"], "format": job.fmt,
            "start_s": START_S, "end_s": END_S,
            "title": {"text": TITLE, "duration_s": 2.0},
            "lower_third": {"athlete": LOWER[0], "event": LOWER[1], "score": LOWER[2]},
            "loudness": "social",
        }
    )  # fmt: skip
    started = time.perf_counter()
    render_clip(spec, cameras, out, max_clip_s=120, threads=job.threads, preset=job.preset)
    return time.perf_counter() - started


def ffmpeg_floor_command(source: Path, out: Path, job: Job) -> list[str]:
    """The same edit as one hand-written ffmpeg command."""
    fmt, font, threads, preset = job.fmt, job.font, job.threads, job.preset
    width, height = (1920, 1080) if fmt == "landscape" else (1080, 1920)
    font_opt = f"fontfile={font}:" if font else ""
    frame = (
        "scale=1920:1080"
        if fmt == "landscape"
        else f"crop={round(1080 * width / height) // 2 * 2}:1080:(iw-ow)/2:0,scale={width}:{height}"
    )
    lower = f"{LOWER[0]}  {LOWER[1]} · {LOWER[2]}"
    size = min(width, height) // 20
    graph = (
        f"color=c=0x101010:s={width}x{height}:r=25:d=2,"
        f"drawtext={font_opt}text='{TITLE}':fontsize={width // 18}:fontcolor=white:"
        "x=(w-text_w)/2:y=(h-text_h)/2,format=yuv420p[tv];"
        "anullsrc=r=48000:cl=stereo,atrim=duration=2[ta];"
        f"[0:v]{frame},setsar=1,drawtext={font_opt}text='{lower}':fontsize={size}:fontcolor=white:"
        f"x=w/16:y=h-h/6:box=1:boxcolor=0x0b1f4d@0.75:enable='between(t,0.5,4.5)',"
        "format=yuv420p[mv];"
        "[0:a]aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo[ma];"
        "[tv][ta][mv][ma]concat=n=2:v=1:a=1[v][a0];"
        "[a0]loudnorm=I=-14:TP=-1.5:LRA=11,aresample=48000[a]"
    )
    return [
        ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
        "-ss", str(START_S), "-t", str(END_S - START_S), "-i", str(source),
        "-filter_complex", graph, "-map", "[v]", "-map", "[a]",
        "-c:v", "libx264", "-preset", preset, "-crf", "20", "-profile:v", "high",
        "-pix_fmt", "yuv420p", "-g", "12", "-flags", "+cgop", "-threads", str(threads),
        "-c:a", "aac", "-b:a", "192k", "-ar", "48000", "-movflags", "+faststart", str(out),
    ]  # fmt: skip


def run_ffmpeg_floor(source: Path, out: Path, job: Job) -> float:
    command = ffmpeg_floor_command(source, out, job)
    started = time.perf_counter()
    subprocess.run(command, check=True)
    return time.perf_counter() - started


def moviepy_python(folder: Path) -> Path:
    """The moviepy virtualenv's interpreter, created on first use."""
    venv = folder / "moviepy-venv"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "moviepy>=2,<3"], check=True)
    return python


def run_moviepy(python: Path, source: Path, out: Path, job: Job) -> float:
    result = subprocess.run(
        [str(python), str(HERE / "replay_moviepy.py"), str(source), str(out), str(job.font),
         "--start", str(START_S), "--end", str(END_S), "--format", job.fmt,
         "--threads", str(job.threads), "--preset", job.preset],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return float(json.loads(result.stdout.strip().splitlines()[-1])["seconds"])


def loudness_lufs(path: Path) -> float:
    """Integrated loudness of a file (pyloudnorm on PyAV-decoded audio)."""
    import av
    import numpy as np
    import pyloudnorm

    with av.open(str(path)) as container:
        rate = container.streams.audio[0].codec_context.sample_rate
        samples = np.concatenate(
            [f.to_ndarray().astype(np.float64) for f in container.decode(audio=0)], axis=1
        ).T
    return float(pyloudnorm.Meter(rate).integrated_loudness(samples))


def cpu_seconds() -> float:
    """CPU time (user + system) of this process and every child it has waited for."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def timed(repeat: int, run: Any) -> tuple[float, float]:
    """Best wall time and best CPU time of ``repeat`` runs of ``run() -> wall seconds``."""
    walls, cpus = [], []
    for _ in range(repeat):
        before = cpu_seconds()
        walls.append(run())
        cpus.append(cpu_seconds() - before)
    return min(walls), min(cpus)


def measure(
    job: Job, cameras: CameraSet, outs: dict[str, Path], repeat: int, python: Path | None
) -> dict[str, Any]:
    """Best-of-``repeat`` wall and CPU times of the three renderers, ratios, output loudness.

    CPU time is reported beside wall time because on a shared machine the wall time mostly
    measures the other users; CPU seconds are what the render itself costs.
    """
    source = cameras.cameras[0].path
    figures: dict[str, Any] = {}
    runs = {
        "hostcity": lambda: run_hostcity(cameras, job, outs["hostcity"]),
        "ffmpeg": lambda: run_ffmpeg_floor(source, outs["ffmpeg"], job),
    }
    if python is not None:
        runs["moviepy"] = lambda: run_moviepy(python, source, outs["moviepy"], job)
    for name, run in runs.items():
        figures[f"{name}_s"], figures[f"{name}_cpu_s"] = timed(repeat, run)
    for unit in ("_s", "_cpu_s"):
        figures[f"hostcity_over_ffmpeg{unit}"] = (
            figures[f"hostcity{unit}"] / figures[f"ffmpeg{unit}"]
        )
        if python is not None:
            figures[f"moviepy_over_hostcity{unit}"] = (
                figures[f"moviepy{unit}"] / figures[f"hostcity{unit}"]
            )
    figures["lufs"] = {n: round(loudness_lufs(outs[n]), 2) for n in runs}
    return figures


def print_figures(job: Job, figures: dict[str, Any]) -> None:
    """A readable summary of one job."""
    print(f"{job.fmt}: {figures['clip_s']:.0f} s clip, x264 {job.preset}, {job.threads} threads")
    print("             wall s    CPU s")
    for name in ("hostcity", "ffmpeg", "moviepy"):
        if f"{name}_s" in figures:
            print(f"  {name:9s} {figures[f'{name}_s']:8.2f} {figures[f'{name}_cpu_s']:8.2f}")
    wall, cpu = figures["hostcity_over_ffmpeg_s"], figures["hostcity_over_ffmpeg_cpu_s"]
    print(f"  hostcity / ffmpeg:  {wall:.2f} wall, {cpu:.2f} CPU (target <= 1.2)")
    if "moviepy_s" in figures:
        wall, cpu = figures["moviepy_over_hostcity_s"], figures["moviepy_over_hostcity_cpu_s"]
        print(f"  moviepy / hostcity: {wall:.2f} wall, {cpu:.2f} CPU (target >= 3)")
    print(
        f"  hostcity speed: {figures['realtime_factor']:.2f}x real time (wall), "
        f"{figures['realtime_factor_2_cores']:.2f}x on 2 dedicated cores (clip s / (CPU s / 2))"
    )
    print(f"  loudness in LUFS (target -14): {figures['lufs']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE / "out" / "replay")
    parser.add_argument("--repeat", type=int, default=1, help="runs per renderer; best is kept")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--preset", default="veryfast")
    parser.add_argument("--skip-moviepy", action="store_true")
    parser.add_argument("--formats", default="landscape,vertical")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    cameras = make_sources(args.out / "sources", END_S + 5)
    font = find_font()
    python = None if args.skip_moviepy or font is None else moviepy_python(HERE / "out")
    clip_s = END_S - START_S + 2.0
    report: dict[str, Any] = {
        "preset": args.preset,
        "threads": args.threads,
        "cpus": os.cpu_count(),
    }
    for fmt in args.formats.split(","):
        job = Job(fmt, args.threads, args.preset, font)
        outs = {name: args.out / f"{fmt}-{name}.mp4" for name in ("hostcity", "ffmpeg", "moviepy")}
        figures = measure(job, cameras, outs, args.repeat, python)
        figures["clip_s"] = clip_s
        figures["realtime_factor"] = clip_s / figures["hostcity_s"]
        figures["realtime_factor_2_cores"] = clip_s / (figures["hostcity_cpu_s"] / 2)
        report[fmt] = figures
        print_figures(job, figures)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
