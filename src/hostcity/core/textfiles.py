"""Reading a user's text file (JSON, CSV, pairs lists) with a clear answer for binary ones."""

from __future__ import annotations

from pathlib import Path

from hostcity.core.errors import InputError


def read_utf8(path: Path, what: str) -> str:
    """The UTF-8 text of ``path``.

    OSError (missing, a folder, no permission) is left to the caller, which knows what the
    file was for.

    Raises:
        InputError: when the file is not UTF-8 text (an image, an archive, another encoding).
    """
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{what} {path} is not UTF-8 text (byte {exc.start} is 0x{exc.object[exc.start]:02x})",
            hint=f"pass the {what} itself, saved as UTF-8",
        ) from None
