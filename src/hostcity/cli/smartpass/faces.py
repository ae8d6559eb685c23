"""CLI commands of the faces feature: erase, tickets, audit, calibrate and the LFW evaluation."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from hostcity.cli.context import print_json, state
from hostcity.cli.progress import progress_bar
from hostcity.core.db import MAX_ROW_ID, session_scope
from hostcity.core.errors import InputError
from hostcity.core.timeutil import parse_iso

if TYPE_CHECKING:
    from hostcity.smartpass.faces.lfw import Pair


def _images_dir(images: Path) -> Path:
    if not images.is_dir():
        raise InputError(
            f"images folder {images} does not exist",
            hint="pass --images, the folder holding name/name_0001.jpg files",
        )
    return images


def _usable_pairs(pairs: list[Pair], images: Path) -> tuple[list[Pair], int]:
    from hostcity.smartpass.faces.evaluation import available_pairs

    kept, skipped = available_pairs(pairs, images)
    if skipped:
        typer.echo(f"warning: {skipped} pair(s) left out: an image is missing", err=True)
    if not kept:
        raise InputError("no pair has both images", hint="check --images points at the images")
    return kept, skipped


def erase(
    ctx: typer.Context,
    holder_id: int = typer.Argument(..., max=MAX_ROW_ID, help="the holder to erase"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Erase a holder's face templates from the database and the gate index, and log it."""
    from hostcity.smartpass.faces.setup import service

    platform = state(ctx).platform()
    with session_scope(platform.session_factory) as session:
        result = service(platform).erase(session, holder_id=holder_id, actor=None)
    if as_json:
        print_json(result)
        return
    typer.echo(f"erased holder {holder_id}: {result['templates_removed']} template(s) removed")


def ticket(
    ctx: typer.Context,
    *,
    ticket_id: str = typer.Argument(..., help="ticket or accreditation id"),
    venue: str = typer.Option(..., "--venue", help="venue id it admits to"),
    session_id: str | None = typer.Option(None, "--session", help="session id, if only one"),
    valid_from: str | None = typer.Option(None, help="ISO-8601 start (default: now)"),
    valid_to: str | None = typer.Option(None, help="ISO-8601 end (default: open)"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Issue a ticket or accreditation that a holder can link at enrolment."""
    from hostcity.smartpass.faces.records import issue_ticket

    try:
        start = parse_iso(valid_from) if valid_from else None
        end = parse_iso(valid_to) if valid_to else None
    except ValueError:
        raise InputError(
            "--valid-from/--valid-to must be ISO-8601", hint="e.g. 2026-02-06T08:00:00Z"
        ) from None
    platform = state(ctx).platform()
    with session_scope(platform.session_factory) as session:
        view = issue_ticket(
            session,
            ticket_id=ticket_id,
            venue_id=venue,
            session_id=session_id,
            valid_from=start,
            valid_to=end,
        )
    if as_json:
        print_json(view)
        return
    typer.echo(f"issued ticket {view['id']} for venue {view['venue_id']}")


def audit(
    ctx: typer.Context,
    venue: str | None = typer.Option(None, "--venue", help="only this venue"),
    limit: int = typer.Option(20, min=1, max=1000, help="how many decisions"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Show the latest gate decisions (no images are ever logged)."""
    from hostcity.smartpass.faces.records import audit_log

    platform = state(ctx).platform()
    with session_scope(platform.session_factory) as session:
        rows = audit_log(session, venue_id=venue, limit=limit)
    if as_json:
        print_json({"decisions": rows})
        return
    for row in rows:
        score = "-" if row["score"] is None else f"{row['score']:.3f}"
        typer.echo(
            f"{row['at']}  {row['venue_id']}/{row['gate_id']}  {row['decision']:<6} "
            f"score {score}  holder {row['holder_id'] or '-'}  {row['reason']}"
        )


def calibrate(
    ctx: typer.Context,
    *,
    pairs_file: Path = typer.Argument(..., help="LFW-style pairs.txt"),
    images: Path = typer.Option(..., "--images", help="folder of the pairs' images"),
    target_far: float | None = typer.Option(None, help="default: smartpass.target_far"),
    cache: Path | None = typer.Option(None, help="embedding cache file (.npz) to reuse"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Set the gate threshold from the target false-accept rate on labelled images."""
    from hostcity.smartpass.faces import evaluation
    from hostcity.smartpass.faces.adapters.engine import EngineOptions, FaceEngine
    from hostcity.smartpass.faces.calibration import threshold_path
    from hostcity.smartpass.faces.lfw import read_pairs

    settings = state(ctx).settings()
    pairs, _skipped = _usable_pairs(read_pairs(pairs_file), _images_dir(images))
    names = evaluation.pair_names(pairs)
    with progress_bar("embedding faces", enabled=not as_json and sys.stderr.isatty()) as report:
        engine = FaceEngine(EngineOptions(jitters=settings.smartpass.enrol_jitters))
        embeddings = evaluation.embed_images(engine, images, names, report=report, cache=cache)
    far = target_far if target_far is not None else settings.smartpass.target_far
    result = evaluation.calibrate(names, embeddings, target_far=far)
    path = threshold_path(settings)
    evaluation.save_calibration(path, result)
    if as_json:
        print_json({**result, "saved_to": str(path)})
        return
    typer.echo(
        f"threshold {result['threshold']:.4f} for FAR {far:g} "
        f"(TAR {result['tar']:.4f} over {result['genuine_pairs']} genuine pairs), "
        f"saved to {path}"
    )


def eval_lfw(
    ctx: typer.Context,
    *,
    pairs_file: Path = typer.Argument(..., help="LFW pairs.txt (View 2 format)"),
    images: Path = typer.Option(..., "--images", help="folder of the LFW images"),
    cache: Path | None = typer.Option(None, help="embedding cache file (.npz) to reuse"),
    no_flip: bool = typer.Option(False, "--no-flip", help="skip mirrored-chip augmentation"),
    jitters: int | None = typer.Option(
        None,
        min=0,
        max=100,
        help="random jitters per template, as at enrolment (default: smartpass.enrol_jitters; "
        "0 for none)",
    ),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Run the LFW pair protocol: cross-validated accuracy, TAR at FAR 1e-3, throughput.

    Both images of a pair are embedded as enrolment does (chip, mirror, jittered mean); faces
    HOG misses are found with the CNN detector, else a centred box is used.
    """
    from hostcity.smartpass.faces import evaluation
    from hostcity.smartpass.faces.adapters.engine import EngineOptions, FaceEngine
    from hostcity.smartpass.faces.lfw import read_pairs

    count = jitters if jitters is not None else state(ctx).settings().smartpass.enrol_jitters
    pairs, skipped = _usable_pairs(read_pairs(pairs_file), _images_dir(images))
    names = evaluation.pair_names(pairs)
    with progress_bar("embedding faces", enabled=not as_json and sys.stderr.isatty()) as report:
        embeddings = evaluation.embed_images(
            FaceEngine(EngineOptions(jitters=count)), images, names, report=report, cache=cache
        )
    result = evaluation.lfw_report(pairs, embeddings, flip_tta=not no_flip, skipped=skipped)
    if as_json:
        print_json(result)
        return
    typer.echo(
        f"accuracy {100 * result['accuracy']:.2f}% +/- {100 * result['accuracy_std']:.2f} "
        f"over {result['folds']} folds ({result['pairs']} pairs); "
        f"TAR@FAR=1e-3 {100 * result['tar_at_far_1e-3']:.2f}%; "
        f"{result['images_per_s']:.1f} images/s"
    )


def register(app: typer.Typer) -> None:
    """Add this feature's commands to the pillar's command group."""
    app.command("erase")(erase)
    app.command("ticket")(ticket)
    app.command("audit")(audit)
    app.command("calibrate")(calibrate)
    app.command("eval-lfw")(eval_lfw)
