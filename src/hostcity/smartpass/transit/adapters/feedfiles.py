"""GTFS zip files: read a feed's tables from a zip, and write generated tables into one."""

from __future__ import annotations

import zipfile
from collections.abc import Mapping
from pathlib import Path

from hostcity.smartpass.transit.errors import GtfsError

MAX_UNPACKED_BYTES = 2_000_000_000


def read_feed_zip(path: Path) -> dict[str, str]:
    """The ``.txt`` tables of a GTFS zip as text (a folder inside the zip is allowed).

    Raises:
        GtfsError: when the file is missing, not a zip, too large, or not UTF-8.
    """
    if not path.is_file():
        raise GtfsError(
            f"GTFS file {path} does not exist", where=str(path), hint="pass the path of a GTFS .zip"
        )
    try:
        with zipfile.ZipFile(path) as archive:
            infos = [i for i in archive.infolist() if i.filename.endswith(".txt")]
            if sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
                raise GtfsError(
                    f"GTFS file {path} unpacks to more than 2 GB",
                    where=str(path),
                    hint="split the feed or import a smaller one",
                )
            files: dict[str, str] = {}
            for info in infos:
                name = info.filename.rsplit("/", 1)[-1]
                try:
                    files[name] = archive.read(info).decode("utf-8-sig")
                except UnicodeDecodeError as exc:
                    raise GtfsError(
                        f"{name} in {path} is not UTF-8 text",
                        where=name,
                        hint="GTFS files must be UTF-8 encoded",
                    ) from exc
            return files
    except zipfile.BadZipFile as exc:
        raise GtfsError(
            f"{path} is not a zip file",
            where=str(path),
            hint="a GTFS feed is a .zip of .txt tables",
        ) from exc


def write_feed_zip(files: Mapping[str, str], path: Path) -> Path:
    """Write tables into a GTFS zip at ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in sorted(files.items()):
            archive.writestr(name, text)
    return path
