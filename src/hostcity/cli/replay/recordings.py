"""CLI commands of the recordings feature: demo footage, import, sets, offsets, highlights."""

from __future__ import annotations

import json
import sys
from fractions import Fraction
from pathlib import Path
from typing import Any

import typer

from hostcity.cli.context import print_json, state
from hostcity.cli.progress import progress_bar
from hostcity.core.db import session_scope
from hostcity.core.errors import InputError

LOW_CONFIDENCE = 0.2


def _split(text: str | None) -> list[str] | None:
    return [p.strip() for p in text.split(",") if p.strip()] if text else None


def _numbers(text: str | None, kind: type[int] | type[float], label: str) -> list[Any] | None:
    parts = _split(text)
    if parts is None:
        return None
    try:
        return [kind(p) for p in parts]
    except ValueError:
        raise InputError(f"bad {label} {text!r}", hint=f"give comma-separated {label}") from None


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise InputError(
            f"bad size {text!r}", hint="write it as WIDTHxHEIGHT, e.g. 1280x720"
        ) from None
    return width, height


def _bar(title: str, as_json: bool) -> Any:
    return progress_bar(title, enabled=not as_json and sys.stderr.isatty())


def demo_footage(
    *,
    out_dir: Path = typer.Argument(..., help="folder to write cam*.mp4 and truth.json into"),
    seconds: float = typer.Option(30.0, "--seconds", help="length of the event"),
    size: str = typer.Option("1920x1080", "--size", help="frame size, e.g. 640x360"),
    fps: str = typer.Option("25", "--fps", help="frame rate, e.g. 25 or 30000/1001"),
    cameras: int = typer.Option(4, "--cameras", help="number of cameras (4-6)"),
    seed: int = typer.Option(7, "--seed", help="random seed"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    """Write a generated multi-camera event (skaters on an oval) with its truth JSON."""
    from hostcity.replay.recordings.adapters.footage import TRUTH_FILE, write_footage
    from hostcity.replay.recordings.scene import make_scene

    width, height = _size(size)
    try:
        rate = Fraction(fps)
    except ValueError:
        raise InputError(f"bad frame rate {fps!r}", hint="e.g. 25 or 30000/1001") from None
    scene = make_scene(
        seconds=seconds, width=width, height=height, fps=rate, cameras=cameras, seed=seed
    )
    with _bar("generating footage", as_json) as report:
        doc = write_footage(scene, out_dir, report)
    summary = {
        "dir": str(out_dir.resolve()),
        "truth": str((out_dir / TRUTH_FILE).resolve()),
        "cameras": [
            {k: c[k] for k in ("name", "file", "offset_s", "duration_s")} for c in doc["cameras"]
        ],
        "peaks_s": doc["peaks_s"],
    }
    if as_json:
        print_json(summary)
        return
    typer.echo(f"wrote {len(doc['cameras'])} cameras to {summary['dir']}")
    for cam in summary["cameras"]:
        typer.echo(f"  {cam['name']}: {cam['file']}  offset {cam['offset_s']:.3f} s")
    typer.echo(f"  crowd peaks at {', '.join(f'{p:.2f}' for p in doc['peaks_s'])} s")
    typer.echo(
        f"import it: hostcity replay import demo {out_dir}/cam*.mp4 --track {summary['truth']}"
    )


def import_videos(
    ctx: typer.Context,
    *,
    set_name: str = typer.Argument(..., help="name of the new set"),
    videos: list[Path] = typer.Argument(..., help="one video per camera"),
    cameras: str | None = typer.Option(None, "--cameras", help="camera names, e.g. cam1,cam2"),
    positions: str | None = typer.Option(None, "--positions", help="sweep order, e.g. 1,2,3"),
    angles: str | None = typer.Option(None, "--angles", help="bearings in degrees"),
    sync: str = typer.Option("auto", "--sync", help="auto, timecode, creation_time, audio, none"),
    reference: bool = typer.Option(
        False, "--reference", help="leave files where they are instead of copying them"
    ),
    track: Path | None = typer.Option(None, "--track", help="truth.json of generated footage"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    """Register a camera set: probe every file, copy, analyse and synchronise."""
    from hostcity.replay.recordings import importing, service

    names = _split(cameras)
    track_doc = None
    if track is not None:
        try:
            doc = json.loads(track.read_text())
        except (OSError, ValueError) as exc:
            raise InputError(f"cannot read track file {track}: {exc}") from exc
        chosen = names or [f"cam{i + 1}" for i in range(len(videos))]
        track_doc = importing.track_from_truth(
            doc, {v.name: n for v, n in zip(videos, chosen, strict=False)}
        )
    request = importing.ImportRequest(
        name=set_name,
        files=videos,
        cameras=names,
        positions=_numbers(positions, int, "positions"),
        angles_deg=_numbers(angles, float, "angles"),
        sync=sync,
        copy=not reference,
        track=track_doc,
    )
    platform = state(ctx).platform()
    with _bar("importing", as_json) as bar:
        cset = service.import_set(
            platform.session_factory, platform.settings.media_dir, request, bar
        )
    with session_scope(platform.session_factory) as session:
        view = service.describe_set(service.get_set_row(session, cset.id))
    if as_json:
        print_json(view)
        return
    typer.echo(f"imported set {view['name']!r} (id {view['id']}), synced by {view['sync_method']}")
    _print_cameras(view)


def _print_cameras(view: dict[str, Any]) -> None:
    for cam in view["cameras"]:
        conf = cam["sync_confidence"]
        sure = f", confidence {conf:.2f}" if conf is not None else ""
        if conf is not None and conf < LOW_CONFIDENCE:
            sure += "; low: check it, or use 'hostcity replay set-offset'"
        typer.echo(
            f"  {cam['name']:<10} offset {cam['offset_s']:8.3f} s  "
            f"{cam['start_s']:7.2f}-{cam['end_s']:7.2f} s  {cam['width']}x{cam['height']} "
            f"@{cam['fps']}  ({cam['sync_method']}{sure})"
        )


def list_sets(
    ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="print one JSON object")
) -> None:
    """List the registered camera sets with their cameras and offsets."""
    from hostcity.replay.recordings import service

    platform = state(ctx).platform()
    with session_scope(platform.session_factory) as session:
        views = [
            service.describe_set(service.get_set_row(session, s.id))
            for s in service.list_sets(session)
        ]
    if as_json:
        print_json({"sets": views})
        return
    if not views:
        typer.echo("no camera sets yet: import one with 'hostcity replay import NAME VIDEO...'")
    for view in views:
        typer.echo(
            f"{view['name']} (id {view['id']}): {len(view['cameras'])} cameras, "
            f"{view['start_s']:.2f}-{view['end_s']:.2f} s, synced by {view['sync_method']}"
        )
        _print_cameras(view)


def set_offset(
    ctx: typer.Context,
    set_name: str = typer.Argument(..., help="set name or id"),
    camera: str = typer.Argument(..., help="camera name"),
    seconds: float = typer.Argument(..., help="offset of the file's t=0 on the shared timeline"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    """Set one camera's offset by hand."""
    from hostcity.replay.recordings import service

    platform = state(ctx).platform()
    with session_scope(platform.session_factory) as session:
        cset = service.set_offset(session, set_name, camera, seconds)
        view = service.describe_set(service.get_set_row(session, cset.id))
    if as_json:
        print_json(view)
        return
    typer.echo(f"set {view['name']!r}: {camera} now starts at {seconds:.3f} s")
    _print_cameras(view)


def show_highlights(
    ctx: typer.Context,
    set_name: str = typer.Argument(..., help="set name or id"),
    top: int = typer.Option(5, "--top", help="how many moments"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    """Rank a set's moments by crowd loudness, motion and shot changes."""
    from hostcity.replay.recordings import service

    platform = state(ctx).platform()
    with session_scope(platform.session_factory) as session:
        found = service.highlights(session, set_name, top=top)
    if as_json:
        print_json({"set": set_name, "highlights": [h.to_dict() for h in found]})
        return
    if not found:
        typer.echo("no moment stands out in this set")
    for h in found:
        typer.echo(
            f"#{h.rank} {h.start_s:7.2f}-{h.end_s:7.2f} s  peak {h.peak_s:.2f} s  "
            f"score {h.score:.2f}  (+{h.loudness_lu:.1f} LU, motion {h.motion:+.2f}"
            f"{', cut' if h.shot_change else ''})  best angle {h.best_camera}"
        )


def evaluate_highlights(
    *,
    seeds: str = typer.Option("1,2,3", "--seeds", help="comma-separated generator seeds"),
    seconds: float = typer.Option(60.0, "--seconds", help="length of each generated event"),
    size: str = typer.Option("640x360", "--size", help="frame size of the generated footage"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    """Score sync and highlights on generated events against their truth."""
    from hostcity.replay.recordings.evaluate import evaluate

    chosen = _numbers(seeds, int, "seeds") or [1]
    with _bar("evaluating", as_json) as bar:
        result = evaluate(chosen, seconds=seconds, size=_size(size), report=bar)
    if as_json:
        print_json(result)
        return
    for r in result["seeds"]:
        typer.echo(
            f"seed {r['seed']}: F1 {r['f1']:.3f} ({r['found']} found, {r['peaks']} peaks), "
            f"sync error <= {r['max_sync_error_frames']:.2f} frames, "
            f"generate {r['generate_s']:.1f} s, analyse {r['analyse_s']:.1f} s"
        )
    typer.echo(
        f"mean F1 {result['mean_f1']:.3f} over {result['peaks']} peaks; "
        f"worst sync error {result['max_sync_error_frames']:.2f} frames"
    )


def register(app: typer.Typer) -> None:
    """Add this feature's commands to the pillar's command group."""
    app.command("demo-footage")(demo_footage)
    app.command("import")(import_videos)
    app.command("sets")(list_sets)
    app.command("set-offset")(set_offset)
    app.command("highlights")(show_highlights)
    app.command("evaluate")(evaluate_highlights)
