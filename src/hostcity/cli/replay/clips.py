"""CLI commands of the clips feature: ``hostcity replay render``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import typer

from hostcity.cli.context import print_json, state
from hostcity.cli.progress import progress_bar
from hostcity.core.db import session_scope
from hostcity.core.errors import InputError
from hostcity.core.textfiles import read_utf8
from hostcity.replay.clips.adapters.ffmpeg import atomic_output
from hostcity.replay.clips.service import SERVICE_NAME, ClipsService
from hostcity.replay.clips.spec import ClipSpec


def _pair(text: str, option: str) -> list[float]:
    try:
        return [float(part) for part in text.split(":")]
    except ValueError:
        raise InputError(
            f"{option} {text!r} is not START:END[:FACTOR] in seconds", hint=f"e.g. {option} 14:16:2"
        ) from None


def build_spec(
    base: dict[str, Any],
    *,
    set_name: str | None,
    angles: list[str],
    start_s: float | None,
    end_s: float | None,
    options: dict[str, Any],
) -> ClipSpec:
    """Merge a spec file's content with command-line flags (flags win) into a spec.

    Raises:
        ValidationFailed: naming the first bad field.
        InputError: for a malformed flag.
    """
    data = dict(base)
    if set_name:
        data["set"] = set_name
    if angles:
        data["angles"] = [a.strip() for angle in angles for a in angle.split(",") if a.strip()]
    if start_s is not None:
        data["start_s"] = start_s
    if end_s is not None:
        data["end_s"] = end_s
    if options.get("format"):
        data["format"] = options["format"]
    if options.get("loudness"):
        data["loudness"] = options["loudness"]
    if options.get("slowmo"):
        parts = _pair(options["slowmo"], "--slowmo")
        data["slowmo"] = {"start_s": parts[0], "end_s": parts[1], "factor": [*parts, 2.0][2]}
    if options.get("sweep") is not None:
        data["sweep"] = {"at_s": options["sweep"]}
    if options.get("title"):
        data["title"] = {"text": options["title"], "subtitle": options.get("subtitle") or ""}
    if options.get("lower_third"):
        athlete, event, score = ([*options["lower_third"].split("|"), "", ""])[:3]
        data["lower_third"] = {"athlete": athlete, "event": event, "score": score}
    if options.get("brand"):
        data["branding"] = {"event_name": options["brand"], "image": options.get("brand_image")}
    if options.get("replay"):
        data["replay"] = _key_moment(data)
    return ClipSpec.parse(data)


def _key_moment(data: dict[str, Any]) -> dict[str, float]:
    slowmo = data.get("slowmo")
    if isinstance(slowmo, dict):
        return {"start_s": float(slowmo["start_s"]), "end_s": float(slowmo["end_s"])}
    try:
        start, end = float(data["start_s"]), float(data["end_s"])
    except (KeyError, TypeError, ValueError):
        raise InputError("--replay needs --start and --end", hint="pass the window first") from None
    mid, half = (start + end) / 2, min(1.5, (end - start) / 4)
    return {"start_s": mid - half, "end_s": mid + half}


def _load_spec_file(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        data = json.loads(read_utf8(path, "clip spec"))
    except (OSError, json.JSONDecodeError) as exc:
        raise InputError(
            f"cannot read clip spec {path}: {exc}", hint="pass a JSON file with the spec fields"
        ) from exc
    if not isinstance(data, dict):
        raise InputError(f"clip spec {path} is not a JSON object", hint="wrap the fields in {}")
    return data


def register(app: typer.Typer) -> None:
    """Add ``render`` to the replay command group."""

    @app.command("render")
    def render(
        ctx: typer.Context,
        *,
        set_name: str = typer.Argument(None, metavar="SET", help="camera set name or id"),
        angle: list[str] = typer.Option([], "--angle", help="camera name; repeat or comma-list"),
        start: float | None = typer.Option(None, "--start", help="window start, shared time (s)"),
        end: float | None = typer.Option(None, "--end", help="window end, shared time (s)"),
        fmt: str | None = typer.Option(None, "--format", help="landscape, vertical or square"),
        slowmo: str | None = typer.Option(None, "--slowmo", help="START:END[:FACTOR] slow motion"),
        replay: bool = typer.Option(
            False, "--replay", help="replay the key moment from each camera"
        ),
        sweep: float | None = typer.Option(None, "--sweep", help="frozen-moment sweep at T (s)"),
        title: str | None = typer.Option(None, "--title", help="title card text"),
        subtitle: str | None = typer.Option(None, "--subtitle", help="title card second line"),
        lower_third: str | None = typer.Option(
            None, "--lower-third", help="'ATHLETE|EVENT|SCORE' over the action"
        ),
        brand: str | None = typer.Option(None, "--brand", help="event name for intro/outro cards"),
        brand_image: str | None = typer.Option(None, "--brand-image", help="logo for the cards"),
        loudness: str | None = typer.Option(
            None, "--loudness", help="social (-14) or broadcast (-23)"
        ),
        spec_file: Path | None = typer.Option(
            None, "--spec", help="JSON clip spec; flags override"
        ),
        output: Path = typer.Option(..., "-o", "--output", help="where to write the MP4"),
        as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
    ) -> None:
        """Render a clip from a camera set to an MP4 ready to upload."""
        options = {
            "format": fmt, "slowmo": slowmo, "replay": replay, "sweep": sweep, "title": title,
            "subtitle": subtitle, "lower_third": lower_third, "brand": brand,
            "brand_image": brand_image, "loudness": loudness,
        }  # fmt: skip
        spec = build_spec(
            _load_spec_file(spec_file),
            set_name=set_name,
            angles=angle,
            start_s=start,
            end_s=end,
            options=options,
        )
        platform = state(ctx).platform()
        service: ClipsService = platform.service(SERVICE_NAME)
        with session_scope(platform.session_factory) as session:
            service.prepare(session, spec, allow_local_files=True)  # fail before the bar shows
        with progress_bar("rendering", enabled=not as_json) as report:
            info = service.render(spec, progress=report, allow_local_files=True)
        with atomic_output(output) as temp:
            shutil.copyfile(info.path, temp)
        result = {**info.to_dict(), "output": str(output)}
        if as_json:
            print_json(result)
            return
        cached = " (cached)" if info.cached else ""
        typer.echo(
            f"wrote {output}: {info.duration_s:.2f} s, {info.frames} frames, "
            f"{info.size_bytes / 1e6:.1f} MB{cached}"
        )
