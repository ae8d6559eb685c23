"""The filter graph built from an EDL: one graph, safe text, exact trims, loudness passes."""

from __future__ import annotations

from pathlib import Path

import pytest

from hostcity.replay.clips.edl import build_edl
from hostcity.replay.clips.graph import LoudnessMeasure, build_filter_plan
from hostcity.replay.clips.reframe import CropPath
from hostcity.replay.clips.spec import ClipSpec
from tests.replay.clips.test_edl import paper_set

MEASURE = LoudnessMeasure(integrated_lufs=-20.0, true_peak_dbtp=-6.0, lra_lu=5.0)


def spec(**fields: object) -> ClipSpec:
    return ClipSpec.parse(
        {"set": "paper", "angles": ["cam1", "cam2"], "start_s": 2, "end_s": 4, **fields}
    )


def test_one_concat_pairs_every_segment(tmp_path: Path) -> None:
    edl = build_edl(spec(sweep={"at_s": 3.0}, title={"text": "T"}), paper_set())
    plan = build_filter_plan(edl, workdir=tmp_path, font=None, loudness=MEASURE)
    assert plan.graph.count("concat=") == 1
    assert f"concat=n={len(edl.segments)}:v=1:a=1" in plan.graph
    # cards have no input; every camera segment has its own seeked input
    assert len(plan.inputs) == sum(1 for s in edl.segments if s.source is not None)
    for segment in edl.segments:
        assert f"trim=end_frame={segment.frames}" in plan.graph
        assert f"whole_len={edl.samples_of(segment)}" in plan.graph


def test_user_text_never_enters_the_graph(tmp_path: Path) -> None:
    nasty = "Team A: 3, B' ; [x] %{pts} \\"
    edl = build_edl(spec(title={"text": nasty}, lower_third={"athlete": nasty}), paper_set())
    plan = build_filter_plan(edl, workdir=tmp_path, font=None, loudness=MEASURE)
    assert nasty not in plan.graph
    assert "expansion=none" in plan.graph
    assert sum(text == nasty for text in plan.files.values()) == 2


@pytest.mark.parametrize(
    ("loudness", "gain"),
    [
        pytest.param("social", "6.000dB", id="social"),
        pytest.param("broadcast", "-3.000dB", id="broadcast"),
    ],
)
def test_first_pass_measures_and_second_applies_one_gain(
    tmp_path: Path, loudness: str, gain: str
) -> None:
    edl = build_edl(spec(loudness=loudness), paper_set())
    first = build_filter_plan(edl, workdir=tmp_path, font=None, audio_only=True)
    second = build_filter_plan(edl, workdir=tmp_path, font=None, loudness=MEASURE)
    assert "ebur128=peak=true" in first.graph and "volume=" not in first.graph
    assert "[0:v]" not in first.graph and first.video_label == ""
    assert f"volume={gain}" in second.graph and "ebur128" not in second.graph


def test_silence_gets_no_gain() -> None:
    assert (
        LoudnessMeasure(integrated_lufs=-70.0, true_peak_dbtp=-99.0, lra_lu=0.0).gain_db(-14) == 0.0
    )


@pytest.mark.parametrize(
    ("factor", "tempos"),
    [
        pytest.param(2.0, ["atempo=0.500000"], id="x2"),
        pytest.param(4.0, ["atempo=0.5", "atempo=0.500000"], id="x4"),
    ],
)
def test_slow_motion_audio_uses_atempo_in_range(
    tmp_path: Path, factor: float, tempos: list[str]
) -> None:
    edl = build_edl(spec(slowmo={"start_s": 2.5, "end_s": 3.0, "factor": factor}), paper_set())
    plan = build_filter_plan(edl, workdir=tmp_path, font=None, loudness=MEASURE)
    assert ",".join(tempos) + ",aformat" in plan.graph
    assert f"setpts={factor:.6f}*PTS" in plan.graph


def test_reframe_crop_follows_a_sendcmd_script(tmp_path: Path) -> None:
    edl = build_edl(spec(format="vertical", angles=["cam1"]), paper_set())
    path = CropPath(
        fps=25.0, width=608, height=1080, x=(10.0, 10.2, 11.0, 12.0) + (12.0,) * 46, y=(0.0,) * 50
    )
    plan = build_filter_plan(edl, workdir=tmp_path, font=None, crops={0: path}, loudness=MEASURE)
    assert "crop@r0=w=608:h=1080:x=10:y=0" in plan.graph
    script = plan.files[tmp_path / "crop0.cmd"]
    assert script.splitlines() == [
        "0.000000 crop@r0 x 10, crop@r0 y 0;",
        "0.060000 crop@r0 x 11, crop@r0 y 0;",
        "0.100000 crop@r0 x 12, crop@r0 y 0;",
    ]


def test_ebur128_summary_is_parsed_and_its_absence_is_an_error() -> None:
    from hostcity.core.errors import DependencyError
    from hostcity.replay.clips.adapters.encode import parse_ebur128

    log = (
        "[Parsed_ebur128_0 @ 0x1] Summary:\n\n  Integrated loudness:\n    I:         -23.4 LUFS\n"
        "    Threshold: -33.5 LUFS\n\n  Loudness range:\n    LRA:         7.1 LU\n"
        "  True peak:\n    Peak:      -inf dBFS\n"
    )
    assert parse_ebur128(log) == LoudnessMeasure(-23.4, -99.0, 7.1)
    with pytest.raises(DependencyError, match="no loudness summary"):
        parse_ebur128("ffmpeg crashed")
