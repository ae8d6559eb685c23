"""A progress bar for long CLI commands that speaks the jobs' ``(fraction, message)`` protocol."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from hostcity.core.jobs import ProgressFn


@contextmanager
def progress_bar(title: str, *, enabled: bool = True) -> Iterator[ProgressFn]:
    """Yield a ``report(fraction, message)`` callback drawing a bar on stderr.

    Args:
        title: What the command is doing.
        enabled: False for ``--json`` runs and non-terminals, where the bar is silent.
    """
    if not enabled:
        yield lambda _fraction, _message: None
        return
    from rich.console import Console

    console = Console(file=sys.stderr)
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.fields[note]}"),
    )
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task(title, total=1.0, note="")

        def report(fraction: float, message: str) -> None:
            bar.update(task, completed=fraction, note=message)

        yield report
        bar.update(task, completed=1.0)
