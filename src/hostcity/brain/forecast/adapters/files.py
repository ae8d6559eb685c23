"""Reads the benchmark format: an .npz holding ``data`` (T, N, F) and a from,to,distance CSV."""

from __future__ import annotations

import logging
import zipfile
from datetime import datetime
from pathlib import Path

import numpy as np

from hostcity.brain.forecast.errors import ForecastDataError
from hostcity.brain.forecast.types import STEP_S, SensorGraph, Series
from hostcity.brain.forecast.validation import check_graph, check_values, feature_names
from hostcity.brain.twin.sensor_graph import read_sensor_graph
from hostcity.core.errors import InputError

log = logging.getLogger(__name__)


def load_npz(path: Path, *, start: datetime) -> Series:
    """The series in ``path``; sensors are named by column index ("0", "1", ...).

    Args:
        path: An .npz with an array ``data`` of shape (T, N, F) at five-minute steps.
        start: Time of the first step (the file does not say); sets the time of day.

    Raises:
        ForecastDataError: for a missing or unreadable file or an array of the wrong shape.
    """
    if not path.is_file():
        raise ForecastDataError(f"no data file at {path}", hint="pass the path of an .npz file")
    if not zipfile.is_zipfile(path):
        raise ForecastDataError(
            f"{path} is not an .npz archive",
            hint="save the array with numpy.savez(path, data=values)",
        )
    try:
        with np.load(path, allow_pickle=False) as archive:
            if "data" not in archive.files:
                names = ", ".join(archive.files) or "none"
                raise ForecastDataError(
                    f"{path}: no array named 'data' (found: {names})",
                    hint="save it with numpy.savez(path, data=values)",
                )
            raw = archive["data"]
    except (OSError, ValueError, zipfile.BadZipFile) as exc:
        raise ForecastDataError(f"{path} is not a readable .npz file: {exc}") from exc
    values = check_values(raw, source=str(path))
    return Series(
        values=values,
        sensor_ids=tuple(str(i) for i in range(values.shape[1])),
        feature_names=feature_names(values.shape[2]),
        start=start,
        step_s=STEP_S,
    )


def load_graph_csv(
    path: Path, sensor_ids: tuple[str, ...], *, skip_unknown: bool = False
) -> SensorGraph:
    """The sensor graph in a CSV with a header and rows ``from,to,distance``.

    Args:
        path: The CSV.
        sensor_ids: The data's sensors.
        skip_unknown: Leave out links to sensors the data lacks (a city's graph names
            detectors that have reported nothing yet) instead of refusing the file.

    Raises:
        ForecastDataError: for a missing file, malformed rows, sensors the data lacks (unless
            skipped), or no link left.
    """
    try:
        links = read_sensor_graph(path, need_distance=True)
    except InputError as exc:
        raise ForecastDataError(exc.message, hint=exc.hint) from exc
    edges = [(link.source, link.target, link.distance_m or 0.0) for link in links]
    if skip_unknown:
        known = set(sensor_ids)
        edges = [edge for edge in edges if edge[0] in known and edge[1] in known]
        if not edges:
            raise ForecastDataError(
                f"{path}: none of its {len(links)} links joins two detectors with readings",
                hint="the graph's ids must be the detectors' ids in the store",
            )
        if len(edges) < len(links):
            log.info(
                "%s: %d of %d links name detectors without readings; left out",
                path,
                len(links) - len(edges),
                len(links),
            )
    return check_graph(edges, sensor_ids, source=str(path))
