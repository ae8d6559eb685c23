"""Job kinds of the recordings feature: importing a set runs in the background."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hostcity.core.db import session_scope
from hostcity.core.errors import InputError
from hostcity.core.jobs import JobContext
from hostcity.replay.recordings import importing, service

IMPORT_KIND = "replay.import_set"


def request_from_params(params: Mapping[str, Any]) -> importing.ImportRequest:
    """An import request from a job's JSON parameters.

    Raises:
        InputError: for missing or malformed parameters.
    """
    try:
        files = [Path(str(f)) for f in params["files"]]
        track = params.get("track")
        track_file = params.get("track_file")
        if track is None and track_file:
            names = list(params.get("cameras") or [f"cam{i + 1}" for i in range(len(files))])
            doc = json.loads(Path(str(track_file)).read_text())
            track = importing.track_from_truth(
                doc, {f.name: n for f, n in zip(files, names, strict=False)}
            )
        return importing.ImportRequest(
            name=str(params["name"]),
            files=files,
            cameras=params.get("cameras"),
            positions=params.get("positions"),
            angles_deg=params.get("angles_deg"),
            sync=str(params.get("sync", "auto")),
            copy=bool(params.get("copy", True)),
            track=track,
        )
    except KeyError as exc:
        raise InputError(f"import parameters lack {exc.args[0]!r}") from exc
    except (OSError, ValueError, TypeError) as exc:
        raise InputError(f"bad import parameters: {exc}") from exc


def import_set_job(ctx: JobContext, params: Mapping[str, Any]) -> dict[str, Any]:
    """Import a camera set; the result describes the registered set."""
    request = request_from_params(params)
    cset = service.import_set(ctx.session_factory, ctx.settings.media_dir, request, ctx.progress)
    with session_scope(ctx.session_factory) as session:
        return service.describe_set(service.get_set_row(session, cset.id))
