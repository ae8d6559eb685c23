"""One FFmpeg filter graph per clip, built from the edit decision list (pure string building)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from hostcity.replay.clips.edl import SAMPLE_RATE_HZ, Card, Edl, Segment, SegmentKind
from hostcity.replay.clips.reframe import CropPath

TRUE_PEAK_TARGET_DBTP = -1.5
SILENCE_LUFS = -69.0
# AAC encoders start with 1024 samples of priming; without an edit list, players play them
AAC_PRIMING_SAMPLES = 1024


@dataclass(frozen=True)
class LoudnessMeasure:
    """What the first pass measured with ffmpeg's EBU R128 meter (``ebur128``)."""

    integrated_lufs: float
    true_peak_dbtp: float
    lra_lu: float

    def gain_db(self, target_lufs: float) -> float:
        """The one linear gain that brings the integrated loudness to ``target_lufs``."""
        if self.integrated_lufs <= SILENCE_LUFS:
            return 0.0  # silence stays silence
        return target_lufs - self.integrated_lufs


@dataclass
class FilterPlan:
    """Everything one ffmpeg run needs: input arguments, the graph, side files to write.

    Attributes:
        inputs: Argument lists, one per input, each ending with ``-i PATH``.
        graph: The ``-filter_complex`` text.
        video_label: Output pad of the video ('' when audio only).
        audio_label: Output pad of the audio.
        files: Side files (sendcmd scripts, drawtext texts) to write before running.
    """

    inputs: list[list[str]] = field(default_factory=list)
    graph: str = ""
    video_label: str = ""
    audio_label: str = ""
    files: dict[Path, str] = field(default_factory=dict)


def build_filter_plan(
    edl: Edl,
    *,
    workdir: Path,
    font: Path | None,
    crops: Mapping[int, CropPath] | None = None,
    loudness: LoudnessMeasure | None = None,
    audio_only: bool = False,
    limiter_db: float | None = None,
) -> FilterPlan:
    """Build the filter graph for ``edl``.

    Args:
        edl: The edit.
        workdir: Directory for side files (sendcmd scripts, texts); safe characters only.
        font: TrueType font for drawtext; None lets fontconfig choose.
        crops: Crop path per segment index, for reframed formats.
        loudness: First-pass measurement, for the linear gain; None measures instead.
        audio_only: Build only the audio branch (the measuring pass).
        limiter_db: Peak ceiling (dBFS) of a limiter placed before normalisation.
    """
    plan = FilterPlan()
    build = _Build(plan, edl, workdir, font, crops or {})
    chains: list[str] = []
    pads: list[str] = []
    for index, seg in enumerate(edl.segments):
        source_input = None
        if seg.kind is not SegmentKind.CARD:
            source_input = _add_input(plan, _source_input_args(seg))
        video, audio = f"v{index}", f"a{index}"
        if not audio_only:
            chains.append(_video_chain(build, index, seg, source_input))
        chains.append(_audio_chain(edl, seg, source_input, audio))
        pads.append(f"[{audio}]" if audio_only else f"[{video}][{audio}]")
    count = len(edl.segments)
    if audio_only:
        chains.append(f"{''.join(pads)}concat=n={count}:v=0:a=1[acat]")
    else:
        chains.append(f"{''.join(pads)}concat=n={count}:v=1:a=1[vcat][acat]")
        chains.append(_overlay_chain(build))
        plan.video_label = "vout"
    chains.append(_loudness_chain(edl, loudness, limiter_db))
    plan.audio_label = "aout"
    plan.graph = ";\n".join(chains)
    return plan


@dataclass(frozen=True)
class _Build:
    plan: FilterPlan
    edl: Edl
    workdir: Path
    font: Path | None
    crops: Mapping[int, CropPath]


def _add_input(plan: FilterPlan, args: list[str]) -> int:
    plan.inputs.append(args)
    return len(plan.inputs) - 1


def _source_input_args(seg: Segment) -> list[str]:
    assert seg.source is not None
    args: list[str] = []
    if seg.source_in_frame > 0:
        # half a frame early so the first decoded frame is exactly source_in_frame
        start = (Fraction(seg.source_in_frame) - Fraction(1, 2)) / seg.source_fps
        args += ["-ss", f"{float(start):.6f}"]
    span = Fraction(seg.source_frames + 2) / seg.source_fps
    return [*args, "-t", f"{float(span):.6f}", "-i", str(seg.source)]


def _color(value: str) -> str:
    return "0x" + value.lstrip("#")


def _fps(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}"


def _video_chain(build: _Build, index: int, seg: Segment, source_input: int | None) -> str:
    edl = build.edl
    size = f"{edl.width}x{edl.height}"
    pad = f"tpad=stop_mode=clone:stop={seg.frames},trim=end_frame={seg.frames}"
    if seg.kind is SegmentKind.CARD:
        assert seg.card is not None
        head = f"color=c={_color(seg.card.background)}:s={size}:r={_fps(edl.fps)}"
        texts = _card_text(build, seg.card, index)
        return f"{head},trim=end_frame={seg.frames}{texts},setsar=1,format=yuv420p[v{index}]"
    steps = [f"[{source_input}:v]setpts=PTS-STARTPTS", f"trim=end_frame={seg.source_frames}"]
    crop = build.crops.get(index)
    if crop is not None:
        # the crop has the output's aspect ratio (to a pixel), so a plain scale fills the frame
        steps += _crop_steps(build, crop, index)
        steps.append(f"scale={edl.width}:{edl.height}:flags=bicubic")
    elif seg.source_size != (edl.width, edl.height):
        steps.append(
            f"scale={edl.width}:{edl.height}:force_original_aspect_ratio=decrease:flags=bicubic"
        )
        steps.append(f"pad={edl.width}:{edl.height}:(ow-iw)/2:(oh-ih)/2")
    if seg.kind is SegmentKind.PLAY and seg.slow_factor != 1.0:
        steps.append(f"setpts={seg.slow_factor:.6f}*PTS")
    steps += [f"fps={_fps(edl.fps)}", pad, "setsar=1", "format=yuv420p"]
    return ",".join(steps) + f"[v{index}]"


def _crop_steps(build: _Build, crop: CropPath, index: int) -> list[str]:
    name = f"crop@r{index}"
    lines: list[str] = []
    last: tuple[int, int] | None = None
    for i, (exact_x, exact_y) in enumerate(zip(crop.x, crop.y, strict=True)):
        x, y = round(exact_x), round(exact_y)
        if (x, y) == last:
            continue
        at = max(0.0, (i - 0.5) / crop.fps)
        lines.append(f"{at:.6f} {name} x {x}, {name} y {y};")
        last = (x, y)
    script = build.workdir / f"crop{index}.cmd"
    build.plan.files[script] = "\n".join(lines) + "\n"
    first_x, first_y = (round(crop.x[0]), round(crop.y[0])) if len(crop) else (0, 0)
    return [
        f"sendcmd=f={script}",
        f"{name}=w={crop.width}:h={crop.height}:x={first_x}:y={first_y}:exact=1",
    ]


def _drawtext(build: _Build, key: str, text: str, options: str) -> str:
    text_file = build.workdir / f"{key}.txt"
    build.plan.files[text_file] = text
    font_opt = f"fontfile={build.font}:" if build.font else ""
    return f"drawtext={font_opt}textfile={text_file}:expansion=none:{options}"


def _card_text(build: _Build, card: Card, index: int) -> str:
    edl = build.edl
    big = max(24, edl.width // 18)
    small = max(16, edl.width // 34)
    parts: list[str] = []
    for line_no, line in enumerate(card.lines):
        size = big if line_no == 0 else small
        y = f"(h-text_h)/2+{line_no * big * 1.4:.0f}-{(len(card.lines) - 1) * big * 0.35:.0f}"
        options = f"fontsize={size}:fontcolor={_color(card.foreground)}:x=(w-text_w)/2:y={y}"
        parts.append(_drawtext(build, f"card{index}_{line_no}", line, options))
    return "".join("," + p for p in parts)


def _overlay_chain(build: _Build) -> str:
    edl = build.edl
    steps = ["[vcat]null"]
    images = [(i, s) for i, s in enumerate(edl.segments) if s.card is not None and s.card.image]
    for n, overlay in enumerate(edl.overlays):
        size = max(28, min(edl.width, edl.height) // 20)
        base_y = edl.height - edl.height // 6
        enable = f"between(n,{overlay.start_frame},{overlay.end_frame - 1})"
        for line_no, line in enumerate(overlay.lines):
            fontsize = size if line_no == 0 else int(size * 0.75)
            y = base_y + int(line_no * size * 1.5)
            options = (
                f"fontsize={fontsize}:fontcolor=white:x=w/16:y={y}:box=1:"
                f"boxcolor=0x0b1f4d@0.75:boxborderw={size // 3}:enable='{enable}'"
            )
            steps.append(_drawtext(build, f"lower{n}_{line_no}", line, options))
    chain = ",".join(steps)
    if not images:
        return chain + ",format=yuv420p[vout]"
    # logos: one still image per branded card, shown only during that card
    parts = [chain + "[vtext]"]
    current = "vtext"
    for n, (_, seg) in enumerate(images):
        assert seg.card is not None and seg.card.image is not None
        logo_input = _add_input(build.plan, ["-i", seg.card.image])
        first, last = seg.out_start_frame, seg.out_start_frame + seg.frames - 1
        parts.append(f"[{logo_input}:v]scale=-2:{edl.height // 4},format=rgba[logo{n}]")
        parts.append(
            f"[{current}][logo{n}]overlay=x=(W-w)/2:y=H/10:eof_action=repeat:"
            f"enable='between(n,{first},{last})'[vimg{n}]"
        )
        current = f"vimg{n}"
    parts.append(f"[{current}]format=yuv420p[vout]")
    return ";\n".join(parts)


def _atempo_chain(slow_factor: float) -> list[str]:
    tempo = 1.0 / slow_factor
    steps: list[str] = []
    while tempo < 0.5:
        steps.append("atempo=0.5")
        tempo /= 0.5
    steps.append(f"atempo={tempo:.6f}")
    return steps


def _audio_chain(edl: Edl, seg: Segment, source_input: int | None, label: str) -> str:
    samples = edl.samples_of(seg)
    tail = f"apad=whole_len={samples},atrim=end_sample={samples},asetpts=N/SR/TB[{label}]"
    fmt = f"aformat=sample_fmts=fltp:sample_rates={SAMPLE_RATE_HZ}:channel_layouts=stereo"
    if seg.kind is not SegmentKind.PLAY or not seg.audio or source_input is None:
        return f"anullsrc=r={SAMPLE_RATE_HZ}:cl=stereo,{fmt},{tail}"
    steps = [f"[{source_input}:a]aresample={SAMPLE_RATE_HZ}", "asetpts=PTS-STARTPTS"]
    if seg.source_in_frame > 0:
        lead = round(Fraction(SAMPLE_RATE_HZ, 2) / seg.source_fps)
        steps.append(f"atrim=start_sample={lead}")
        steps.append("asetpts=PTS-STARTPTS")
    source_samples = round(seg.source_frames * SAMPLE_RATE_HZ / seg.source_fps)
    steps.append(f"atrim=end_sample={source_samples}")
    if seg.slow_factor != 1.0:
        steps += _atempo_chain(seg.slow_factor)
    return ",".join([*steps, fmt, tail])


def _loudness_chain(edl: Edl, loudness: LoudnessMeasure | None, limiter_db: float | None) -> str:
    # two passes: measure with the EBU R128 meter, then apply one linear gain. (loudnorm's
    # dynamic mode misses the target on short clips, and its own first pass measured up to
    # 0.4 LU off on clips with silent cards, so it is not used.)
    steps = ["[acat]anull"]
    if limiter_db is not None:
        steps.append(f"alimiter=limit={10 ** (limiter_db / 20):.6f}:level=false:latency=true")
    if loudness is None:
        # measure what players will decode: the clip behind the encoder's priming samples
        steps.append(f"adelay=delays={AAC_PRIMING_SAMPLES}S:all=1,ebur128=peak=true:framelog=quiet")
    else:
        steps.append(f"volume={loudness.gain_db(edl.loudness_lufs):.3f}dB:precision=double")
    steps.append(f"aresample={SAMPLE_RATE_HZ}")
    return ",".join(steps) + "[aout]"
