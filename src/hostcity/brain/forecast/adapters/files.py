"""Reads the benchmark format: an .npz holding ``data`` (T, N, F) and a from,to,distance CSV."""

from __future__ import annotations

import csv
import zipfile
from datetime import datetime
from pathlib import Path

import numpy as np

from hostcity.brain.forecast.errors import ForecastDataError
from hostcity.brain.forecast.types import STEP_S, SensorGraph, Series
from hostcity.brain.forecast.validation import check_graph, check_values, feature_names


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


def load_graph_csv(path: Path, sensor_ids: tuple[str, ...]) -> SensorGraph:
    """The sensor graph in a CSV with a header and rows ``from,to,distance``.

    Raises:
        ForecastDataError: for a missing file, malformed rows, or sensors the data lacks.
    """
    if not path.is_file():
        raise ForecastDataError(f"no graph file at {path}", hint="pass a from,to,distance CSV")
    edges: list[tuple[str, str, float]] = []
    with path.open(newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None or len(header) < 3:
            raise ForecastDataError(
                f"{path}: expected a header 'from,to,distance' (got {header!r})"
            )
        for line, row in enumerate(reader, start=2):
            if not row:
                continue
            try:
                a, b, dist = row[0].strip(), row[1].strip(), float(row[2])
            except (IndexError, ValueError):
                raise ForecastDataError(
                    f"{path} line {line}: expected from,to,distance, got {row!r}"
                ) from None
            edges.append((_sensor_id(a), _sensor_id(b), dist))
    return check_graph(edges, sensor_ids, source=str(path))


def _sensor_id(text: str) -> str:
    # "12.0" from a float-typed export names sensor 12
    try:
        number = float(text)
    except ValueError:
        return text
    return str(int(number)) if number.is_integer() else text
