"""The city's sensor graph: which detector follows which along the road.

A CSV with a header and one row per link, ``from,to[,distance]``: traffic passes detector
``from`` and then detector ``to``, ``distance`` metres further on (a third column named
``cost``, as in the PeMS benchmark files, is read the same way). The forecasting benchmark's
graphs have this format, and so does ``graph-by-id.csv`` of ``hostcity brain history --out``.

Live incident detection reads it to know each real sensor's upstream and downstream
detectors (the twin's loops get theirs from the road network instead), and forecasting from
the store uses it in place of joining each detector to its nearest ones.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from hostcity.core.errors import InputError

SETTING = "HOSTCITY_BRAIN__SENSOR_GRAPH"
"""The environment variable that names the city's sensor graph."""


@dataclass(frozen=True)
class SensorLink:
    """Traffic passes ``source`` and then ``target``, ``distance_m`` further on (None: not
    given)."""

    source: str
    target: str
    distance_m: float | None = None


def parse_sensor_graph(
    lines: Iterable[str], *, source: str, need_distance: bool = False
) -> tuple[SensorLink, ...]:
    """The links of a ``from,to[,distance]`` CSV, in file order. A repeated row stays (the
    PEMS08 graph repeats some): the forecast's distance kernel counts every row.

    Args:
        lines: The file's lines, header first.
        source: Names the file in messages.
        need_distance: Require the distance column (forecasting weighs links by it).

    Raises:
        InputError: for a missing header, a row without two ids, a distance that is not a
            number of metres >= 0, a detector linked to itself, or no links at all; the
            message names the line.
    """
    columns = "from,to,distance" if need_distance else "from,to[,distance]"
    reader = csv.reader(lines)
    header = next(reader, None)
    width = 3 if need_distance else 2
    if header is None or len(header) < width:
        raise InputError(
            f"{source}: expected a header '{columns}' (got {header!r})",
            hint="start the file with a header line, then one link per line",
        )
    links = tuple(
        _link(row, need_distance=need_distance, where=f"{source} line {line}")
        for line, row in enumerate(reader, start=2)
        if row and "".join(row).strip()
    )
    if not links:
        raise InputError(f"{source}: the graph has no edges", hint=f"add {columns} rows")
    return links


def read_sensor_graph(path: Path, *, need_distance: bool = False) -> tuple[SensorLink, ...]:
    """The links in the CSV at ``path`` (see ``parse_sensor_graph``).

    Raises:
        InputError: for a missing or unreadable file, or a malformed one.
    """
    if not path.is_file():
        raise InputError(f"no graph file at {path}", hint="pass a from,to,distance CSV")
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            return parse_sensor_graph(handle, source=str(path), need_distance=need_distance)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path} is not a UTF-8 text file", hint="save the graph as a UTF-8 CSV"
        ) from exc
    except OSError as exc:
        raise InputError(f"cannot read the graph file {path}: {exc.strerror or exc}") from exc


def links_by_detector(
    links: Iterable[SensorLink],
) -> tuple[Mapping[str, tuple[str, ...]], Mapping[str, tuple[str, ...]]]:
    """Each detector's upstream and downstream detectors (sorted), by detector id."""
    upstream: dict[str, set[str]] = {}
    downstream: dict[str, set[str]] = {}
    for link in links:
        downstream.setdefault(link.source, set()).add(link.target)
        upstream.setdefault(link.target, set()).add(link.source)
    return (
        {det: tuple(sorted(found)) for det, found in upstream.items()},
        {det: tuple(sorted(found)) for det, found in downstream.items()},
    )


def sensor_id(text: str) -> str:
    """A detector id as written in a graph: "12.0" from a float-typed export names 12."""
    try:
        number = float(text)
    except ValueError:
        return text
    return str(int(number)) if number.is_integer() else text


def _link(row: list[str], *, need_distance: bool, where: str) -> SensorLink:
    expected = "from,to,distance" if need_distance else "from,to[,distance]"
    cells = [cell.strip() for cell in row]
    if len(cells) < 2 or not cells[0] or not cells[1]:
        raise InputError(f"{where}: expected {expected}, got {row!r}")
    given = cells[2] if len(cells) > 2 else ""
    if need_distance and not given:
        raise InputError(f"{where}: expected {expected}, got {row!r}")
    distance: float | None = None
    if given:
        try:
            distance = float(given)
        except ValueError:
            raise InputError(
                f"{where}: the distance {given!r} is not a number",
                hint="give metres, e.g. 350, or leave the column empty",
            ) from None
        if not distance >= 0:  # also refuses nan
            raise InputError(
                f"{where}: the distance {given} is not >= 0", hint="give metres, e.g. 350"
            )
    source, target = sensor_id(cells[0]), sensor_id(cells[1])
    if source == target:
        raise InputError(
            f"{where}: detector {source} is linked to itself",
            hint="each row links a detector to the next one downstream",
        )
    return SensorLink(source, target, distance)
