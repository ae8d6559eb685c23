"""SUMO's command-line tools: found when needed, run with list arguments, errors made readable."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

from hostcity.brain.control.errors import ScenarioError
from hostcity.core.errors import DependencyError

INSTALL_HINT = "install SUMO from PyPI: pip install eclipse-sumo sumolib libsumo"
_NOT_CONTINUATION = ("Warning", "Quitting", "Loading", "Success", "***", "Step #")
_IN_FILE_RE = re.compile(r"In file '([^']+)' At line/column (\d+)/(\d+)\.?")
_LINE_RE = re.compile(r"(?:at )?line[ /:]*(\d+)", re.IGNORECASE)


def sumo_home() -> Path:
    """The SUMO installation inside the ``eclipse-sumo`` package.

    Raises:
        DependencyError: when the package is not installed.
    """
    spec = importlib.util.find_spec("sumo")
    if spec is None or not spec.submodule_search_locations:
        raise DependencyError("the eclipse-sumo package is not installed", hint=INSTALL_HINT)
    return Path(next(iter(spec.submodule_search_locations)))


def binary(name: str) -> str:
    """Path of a SUMO binary such as 'sumo', 'netconvert' or 'duarouter'.

    Raises:
        DependencyError: when it cannot be found.
    """
    candidate = sumo_home() / "bin" / name
    if candidate.is_file():
        return str(candidate)
    try:
        import sumolib
    except ImportError as exc:
        raise DependencyError(f"SUMO binary {name!r} not found", hint=INSTALL_HINT) from exc
    found = str(sumolib.checkBinary(name))
    if not Path(found).is_file():
        raise DependencyError(f"SUMO binary {name!r} not found", hint=INSTALL_HINT)
    return found


def tool_script(relative: str) -> Path:
    """Path of a script under SUMO's ``tools`` folder, such as 'randomTrips.py'."""
    path = sumo_home() / "tools" / relative
    if not path.is_file():
        raise DependencyError(
            f"SUMO tool {relative} is missing from {path.parent}", hint=INSTALL_HINT
        )
    return path


def error_lines(output: str) -> list[str]:
    """SUMO's 'Error:' messages in ``output``, with their continuation lines joined."""
    found: list[str] = []
    for raw in output.splitlines():
        line = raw.strip()
        if line.startswith(("Error:", "error:")):
            found.append(line.split(":", 1)[1].strip())
        elif found and line and not line.startswith(_NOT_CONTINUATION):
            found[-1] += " " + line
    return found


def describe_failure(output: str, *, fallback: str) -> str:
    """One readable sentence for a failed SUMO run: its first error, else ``fallback``."""
    errors = error_lines(output)
    if not errors:
        tail = [line for line in output.strip().splitlines() if line.strip()][-3:]
        return fallback + (": " + " ".join(tail) if tail else "")
    message = errors[0]
    if len(errors) > 1:
        message += f" (and {len(errors) - 1} more error(s))"
    return message


def place_first(message: str) -> str:
    """Rewrite "... In file 'f' At line/column 3/22." as "f, line 3, column 22: ..."."""
    match = _IN_FILE_RE.search(message)
    if match is None:
        return message
    rest = (message[: match.start()] + message[match.end() :]).strip().rstrip(".")
    return f"{match.group(1)}, line {match.group(2)}, column {match.group(3)}: {rest}"


def line_of(message: str) -> int | None:
    """The line number SUMO quoted in ``message``, if any."""
    match = _LINE_RE.search(message)
    return int(match.group(1)) if match else None


def run_tool(
    args: list[str], *, what: str, blame: Path | None = None, timeout_s: float = 600.0
) -> str:
    """Run a SUMO tool and return its combined output.

    Args:
        args: The command, binary first.
        what: What the run does, for messages ('building the network').
        blame: The input file to name when the tool rejects its input.
        timeout_s: Give up after this long.

    Raises:
        ScenarioError: when the tool rejects its input (names ``blame`` and SUMO's message).
        DependencyError: when the tool cannot be started or times out.
    """
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=timeout_s, check=False)
    except FileNotFoundError as exc:
        raise DependencyError(f"cannot start {args[0]} for {what}", hint=INSTALL_HINT) from exc
    except subprocess.TimeoutExpired as exc:
        raise DependencyError(f"{what} took more than {timeout_s:.0f} s and was stopped") from exc
    output = done.stdout + "\n" + done.stderr
    if done.returncode != 0 or error_lines(output):
        raw = describe_failure(output, fallback=f"{what} failed")
        message = place_first(raw)
        named = message != raw or blame is None or str(blame) in message
        subject = "" if named else f"{blame}: "
        raise ScenarioError(
            f"{subject}{message}",
            hint="fix the file at the place SUMO names and try again",
        )
    return output


def python_tool(script: Path, args: list[str]) -> list[str]:
    """A command running one of SUMO's Python tools with this interpreter."""
    return [sys.executable, str(script), *args]
