"""Event importers: the Milano Cortina 2026 CSV layout and the generic CSV/JSON format."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from hostcity.core.errors import InputError
from hostcity.smartpass.events.formats import generic, milano_cortina
from hostcity.smartpass.events.types import EventBundle


def load_event_dir(path: Path, *, anchor: date | None = None) -> EventBundle:
    """Read an event directory in whichever supported layout it uses.

    Args:
        path: A directory with ``event.json`` (generic format) or ``schedules.csv`` and
            ``athletes.csv`` (Milano Cortina 2026 layout).
        anchor: Day 0 for relative session times (``+1T10:00``) of the generic format;
            today in the event's time zone when not given.

    Raises:
        InputError: when ``path`` is not a directory of a known layout.
        ValidationFailed: naming the file, row and field of the first bad value.
    """
    if not path.is_dir():
        raise InputError(
            f"{path} is not a directory",
            hint="pass the folder holding event.json or schedules.csv and athletes.csv",
        )
    if (path / generic.MANIFEST).is_file():
        return generic.load(path, anchor=anchor)
    if (path / milano_cortina.SCHEDULES).is_file():
        return milano_cortina.load(path)
    raise InputError(
        f"{path} holds neither {generic.MANIFEST} nor {milano_cortina.SCHEDULES}",
        hint="see docs/events-format.md for the generic format",
    )


__all__ = ["load_event_dir"]
