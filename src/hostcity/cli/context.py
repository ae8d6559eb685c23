"""Global CLI state: options shared by every command, and lazily built settings."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import typer

from hostcity.core.platform import Platform, open_platform
from hostcity.core.settings import Settings, load_settings


@dataclass
class CliState:
    """Options given before the command, and what was built from them."""

    config_file: Path | None = None
    data_dir: Path | None = None
    debug: bool = False
    _settings: Settings | None = field(default=None, repr=False)
    _platform: Platform | None = field(default=None, repr=False)

    def settings(self, **overrides: Any) -> Settings:
        """Settings from the environment, the config file and the global options."""
        if self._settings is None or overrides:
            if self.data_dir is not None:
                overrides.setdefault("data_dir", self.data_dir)
            self._settings = load_settings(self.config_file, **overrides)
        return self._settings

    def platform(self) -> Platform:
        """The opened platform (database migrated, pillars loaded); closed when the CLI exits."""
        if self._platform is None:
            # A server may be running jobs on this database: leave them be.
            self._platform = open_platform(self.settings(), recover_jobs=False)
        return self._platform

    def close(self) -> None:
        """Release the platform if one was opened."""
        if self._platform is not None:
            self._platform.close()
            self._platform = None


def state(ctx: typer.Context) -> CliState:
    """The ``CliState`` of the running command."""
    root = ctx.find_root()
    if not isinstance(root.obj, CliState):
        root.obj = CliState()
    return root.obj


def print_json(data: Any) -> None:
    """Print ``data`` as JSON on one line, for machines."""
    typer.echo(json.dumps(data, default=str))
