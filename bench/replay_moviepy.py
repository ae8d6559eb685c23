"""The replay benchmark's standard edit done in moviepy, run in moviepy's own virtualenv.

moviepy 2 needs pillow < 12 while HostCity's environment has a newer one, so ``bench/replay.py``
installs moviepy into ``bench/out/moviepy-venv`` and runs this file there. It imports nothing from
HostCity and prints one JSON line: ``{"seconds": render time}``.

Usage::

    bench/out/moviepy-venv/bin/python bench/replay_moviepy.py SOURCE OUT FONT \
        --start 5 --end 15 --format landscape --threads 2 --preset veryfast
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

import numpy as np
from moviepy import (  # type: ignore[import-not-found]
    ColorClip,
    CompositeVideoClip,
    TextClip,
    VideoFileClip,
    afx,
    concatenate_videoclips,
)

SIZES = {"landscape": (1920, 1080), "vertical": (1080, 1920)}


def centred_crop(clip: Any, width: int, height: int) -> Any:
    """Follow a horizontal centre per frame (moviepy has no crop path: a Python frame transform)."""
    crop_w = round(clip.h * width / height) // 2 * 2

    def centre_at(t: float) -> int:
        return int(clip.w / 2 + clip.w / 4 * np.sin(t))  # a moving target, as a reframe would

    def transform(get_frame: Any, t: float) -> Any:
        x = min(max(0, centre_at(t) - crop_w // 2), clip.w - crop_w)
        return get_frame(t)[:, x : x + crop_w]

    return clip.transform(transform).resized((width, height))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("source")
    parser.add_argument("out")
    parser.add_argument("font")
    parser.add_argument("--start", type=float, default=5.0)
    parser.add_argument("--end", type=float, default=15.0)
    parser.add_argument("--format", choices=sorted(SIZES), default="landscape")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--preset", default="veryfast")
    args = parser.parse_args()
    width, height = SIZES[args.format]
    started = time.perf_counter()
    source = VideoFileClip(args.source).subclipped(args.start, args.end)
    if args.format == "landscape":
        action = source.resized((width, height))
    else:
        action = centred_crop(source, width, height)
    title_text = TextClip(font=args.font, text="500 m Final", font_size=width // 18, color="white")
    title = CompositeVideoClip(
        [ColorClip((width, height), color=(16, 16, 16)), title_text.with_position("center")],
        size=(width, height),
    ).with_duration(2.0)
    lower = (
        TextClip(
            font=args.font,
            text="A. Skater  500 m · 34.12",
            font_size=min(width, height) // 20,
            color="white",
            bg_color=(11, 31, 77),
        )
        .with_duration(4.0)
        .with_start(0.5)
        .with_position((width // 16, height - height // 6))
    )
    action = CompositeVideoClip([action, lower], size=(width, height)).with_audio(action.audio)
    final = concatenate_videoclips([title, action]).with_effects([afx.AudioNormalize()])
    final.write_videofile(
        args.out,
        fps=25,
        codec="libx264",
        preset=args.preset,
        threads=args.threads,
        audio_codec="aac",
        audio_fps=48000,
        ffmpeg_params=["-profile:v", "high", "-pix_fmt", "yuv420p", "-g", "12", "-flags", "+cgop"],
        logger=None,
    )
    print(json.dumps({"seconds": time.perf_counter() - started}))


if __name__ == "__main__":
    main()
