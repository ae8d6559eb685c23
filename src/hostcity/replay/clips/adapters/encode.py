"""Clip encoding: loudness first pass, then one filter-graph render to H.264/AAC MP4."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hostcity.core.errors import DependencyError, InputError
from hostcity.replay.clips.adapters.ffmpeg import (
    ProgressFn,
    atomic_output,
    check_free_space,
    find_font,
    run_ffmpeg,
    safe_font,
)
from hostcity.replay.clips.edl import Edl, SegmentKind
from hostcity.replay.clips.graph import (
    AAC_PRIMING_SAMPLES,
    SILENCE_LUFS,
    TRUE_PEAK_TARGET_DBTP,
    FilterPlan,
    LoudnessMeasure,
    build_filter_plan,
)
from hostcity.replay.clips.reframe import CropPath

MP4_ARGS = ("-movflags", "+faststart+negative_cts_offsets", "-use_editlist", "0")
LOUDNESS_SLACK_LU = 0.15


@dataclass(frozen=True)
class EncodeOptions:
    """x264 and AAC settings of the final pass."""

    preset: str = "veryfast"
    crf: int = 20
    threads: int = 2
    audio_bitrate: str = "192k"


def _input_args(plan: FilterPlan) -> list[str]:
    return [arg for group in plan.inputs for arg in group]


def _write_side_files(plan: FilterPlan) -> None:
    for path, text in plan.files.items():
        path.write_text(text, encoding="utf-8")


def parse_ebur128(stderr: str) -> LoudnessMeasure:
    """The summary the ``ebur128`` filter prints at the end of an ffmpeg log.

    Raises:
        DependencyError: when there is none.
    """
    summary = stderr[stderr.rfind("Summary:") :]
    found = {key: re.search(rf"{key}:\s+(-?[\d.]+|-inf)", summary) for key in ("I", "LRA", "Peak")}
    if "Summary:" not in stderr or not all(found.values()):
        raise DependencyError("ffmpeg's ebur128 meter printed no loudness summary")

    def value(key: str) -> float:
        match = found[key]
        assert match is not None
        number = float(match.group(1))
        return number if np.isfinite(number) else -99.0

    return LoudnessMeasure(value("I"), value("Peak"), value("LRA"))


def measure_loudness(
    edl: Edl, *, workdir: Path, limiter_db: float | None = None
) -> LoudnessMeasure:
    """First pass: the edit's audio only, measured with the EBU R128 meter, nothing written."""
    plan = build_filter_plan(
        edl, workdir=workdir, font=None, audio_only=True, limiter_db=limiter_db
    )
    _write_side_files(plan)
    args = [*_input_args(plan), "-filter_complex", plan.graph, "-map", f"[{plan.audio_label}]"]
    try:
        run = run_ffmpeg([*args, "-f", "null", "-"], total_s=0, what="the loudness measurement")
    except InputError as exc:
        raise _name_source(exc, plan, edl) from exc
    return parse_ebur128(run.stderr)


def limiter_for(edl: Edl, measure: LoudnessMeasure) -> float | None:
    """Peak ceiling (dBFS) for a limiter before the gain, or None when none is needed.

    The gain is linear, so when it would push the true peak over the ceiling a limiter first
    makes room (and the loudness is measured again through it).
    """
    gain = measure.gain_db(edl.loudness_lufs)
    if measure.true_peak_dbtp + gain <= TRUE_PEAK_TARGET_DBTP - 0.3:
        return None
    return TRUE_PEAK_TARGET_DBTP - 1.0 - gain


def render_edl(
    edl: Edl,
    output: Path,
    *,
    crops: Callable[[], Mapping[int, CropPath]] | None = None,
    options: EncodeOptions | None = None,
    progress: ProgressFn | None = None,
) -> dict[str, float]:
    """Render ``edl`` to ``output`` (MP4) with two-pass loudness normalisation.

    Args:
        edl: The edit.
        output: The MP4 to write (atomically).
        crops: Plans the crop paths of a reframed edit; it runs beside the loudness pass.
        options: Encoder settings.
        progress: ``(fraction, message)`` callback.

    Returns:
        The loudness first-pass figures (input LUFS and true peak, gain applied).

    Raises:
        StorageError: when the disk is full.
        InputError: when a source is corrupt, truncated or missing.
        DependencyError: when ffmpeg fails otherwise.
    """
    opts = options or EncodeOptions()
    for segment in edl.segments:
        if segment.source is not None and not segment.source.is_file():
            raise InputError(
                f"source video {segment.source} of camera {segment.camera!r} is missing",
                hint="re-import the recording",
            )
    check_free_space(output.parent, float(edl.duration_s))
    report = progress or (lambda _f, _m: None)
    with (
        tempfile.TemporaryDirectory(prefix="hostcity-clip-") as tmp,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="hostcity-crop") as pool,
    ):
        workdir = Path(tmp)
        planned = pool.submit(crops) if crops else None
        report(0.0, "measuring loudness" + (" and following the action" if crops else ""))
        measure = measure_loudness(edl, workdir=workdir)
        limiter_db = limiter_for(edl, measure)
        if limiter_db is not None:
            measure = measure_loudness(edl, workdir=workdir, limiter_db=limiter_db)
        crop_paths = planned.result() if planned else None
        report(0.05, "rendering")
        font = safe_font(find_font(), workdir)
        plan = build_filter_plan(
            edl,
            workdir=workdir,
            font=font,
            crops=crop_paths,
            loudness=measure,
            limiter_db=limiter_db,
        )
        _write_side_files(plan)
        with atomic_output(output) as temp:
            try:
                run = run_ffmpeg(
                    [
                        *_input_args(plan),
                        *encode_args(plan, edl, opts),
                        "-f",
                        "mp4",
                        "-y",
                        str(temp),
                    ],
                    total_s=float(edl.duration_s),
                    what=output.name,
                    progress=lambda f, _m: report(0.05 + 0.92 * f, "rendering"),
                )
            except InputError as exc:
                raise _name_source(exc, plan, edl) from exc
            if run.frames < edl.total_frames:
                raise _short_output(edl, run.frames)
            report(0.98, "checking loudness")
            _correct_loudness(temp, edl, opts)
    return {
        "input_lufs": measure.integrated_lufs,
        "input_true_peak_dbtp": measure.true_peak_dbtp,
        "gain_db": measure.gain_db(edl.loudness_lufs),
    }


def _name_source(exc: InputError, plan: FilterPlan, edl: Edl) -> InputError:
    match = re.search(r"in#(\d+)", exc.message)
    if not match or int(match.group(1)) >= len(plan.inputs):
        return exc
    path = plan.inputs[int(match.group(1))][-1]
    camera = next((s.camera for s in edl.segments if str(s.source) == path), None)
    return InputError(
        f"the video of camera {camera!r} ({path}) is corrupt or truncated; "
        f"ffmpeg said: {exc.message.partition('ffmpeg said: ')[2]}",
        hint=exc.hint,
    )


def _correct_loudness(clip: Path, edl: Edl, opts: EncodeOptions) -> None:
    """Measure the encoded clip as a player decodes it; re-encode its audio once if it is off.

    AAC and the decoder's priming samples (kept, as the file has no edit list) move the loudness
    of clips with many silent cards by up to a few tenths of a LU.
    """
    run = run_ffmpeg(
        [
            "-i",
            str(clip),
            "-map",
            "0:a",
            "-af",
            "ebur128=peak=true:framelog=quiet",
            "-f",
            "null",
            "-",
        ],
        total_s=0,
        what="the loudness check",
    )
    measured = parse_ebur128(run.stderr)
    error_lu = edl.loudness_lufs - measured.integrated_lufs
    if measured.integrated_lufs <= SILENCE_LUFS or abs(error_lu) <= LOUDNESS_SLACK_LU:
        return
    if measured.true_peak_dbtp + error_lu > TRUE_PEAK_TARGET_DBTP:
        error_lu = TRUE_PEAK_TARGET_DBTP - measured.true_peak_dbtp
    fixed = clip.with_name(clip.stem + ".loud" + clip.suffix)
    try:
        run_ffmpeg(
            ["-i", str(clip), "-map", "0:v", "-map", "0:a", "-c:v", "copy",
             "-af", f"atrim=start_sample={AAC_PRIMING_SAMPLES},asetpts=N/SR/TB,"
                    f"volume={error_lu:.3f}dB:precision=double",
             *_audio_args(opts), *MP4_ARGS, "-f", "mp4", "-y", str(fixed)],
            total_s=0,
            what=clip.name,
        )  # fmt: skip
        fixed.replace(clip)
    finally:
        fixed.unlink(missing_ok=True)


def _short_output(edl: Edl, frames: int) -> InputError:
    cameras = sorted(
        {s.camera for s in edl.segments if s.kind is not SegmentKind.CARD and s.camera}
    )
    return InputError(
        f"a source video ended early: the clip got {frames} of {edl.total_frames} frames; "
        f"one of the files of camera(s) {', '.join(cameras)} is truncated or corrupt",
        hint="re-import the recording from an intact copy, or pick an earlier window",
    )


def encode_args(plan: FilterPlan, edl: Edl, opts: EncodeOptions) -> list[str]:
    """Output arguments: H.264 High yuv420p with closed GOPs of at most fps/2, AAC-LC 48 kHz,
    MP4 with the index first and no edit list."""
    gop = max(1, int(edl.fps / 2))
    return [
        "-filter_complex", plan.graph,
        "-map", f"[{plan.video_label}]", "-map", f"[{plan.audio_label}]",
        "-c:v", "libx264", "-preset", opts.preset, "-crf", str(opts.crf),
        "-profile:v", "high", "-pix_fmt", "yuv420p",
        "-g", str(gop), "-keyint_min", str(gop), "-flags", "+cgop", "-bf", "2",
        "-threads", str(opts.threads),
        "-r", f"{edl.fps.numerator}/{edl.fps.denominator}",
        *_audio_args(opts), *MP4_ARGS, "-xerror",
    ]  # fmt: skip


def _audio_args(opts: EncodeOptions) -> list[str]:
    return ["-c:a", "aac", "-profile:a", "aac_low", "-b:a", opts.audio_bitrate,
            "-ar", "48000", "-ac", "2"]  # fmt: skip
