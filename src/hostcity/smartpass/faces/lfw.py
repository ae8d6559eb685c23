"""The LFW pair protocol: parse a ``pairs.txt`` into folds of same/different image pairs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hostcity.core.errors import InputError
from hostcity.core.textfiles import read_utf8


@dataclass(frozen=True)
class Pair:
    """Two images (paths relative to the images folder), whether they show one person, the fold."""

    first: str
    second: str
    same: bool
    fold: int


def image_path(name: str, number: int) -> str:
    """LFW's relative path of image ``number`` of ``name``."""
    return f"{name}/{name}_{number:04d}.jpg"


def parse_pairs(text: str) -> list[Pair]:
    """Parse LFW ``pairs.txt``: a ``folds<TAB>n`` header, then per fold n same and n different.

    Raises:
        InputError: naming the first malformed line.
    """
    lines = [line.split() for line in text.splitlines() if line.strip()]
    if not lines or len(lines[0]) != 2 or not all(part.isdigit() for part in lines[0]):
        raise InputError(
            "the pairs file must start with a 'folds<TAB>pairs-per-half' header",
            hint="use LFW's pairs.txt (View 2) format",
        )
    folds, per_half = int(lines[0][0]), int(lines[0][1])
    body = lines[1:]
    if len(body) != folds * 2 * per_half:
        raise InputError(
            f"the header promises {folds} folds x {2 * per_half} pairs but the file has "
            f"{len(body)} pair lines",
            hint="check the file is complete",
        )
    pairs: list[Pair] = []
    for index, parts in enumerate(body):
        fold = index // (2 * per_half)
        try:
            if len(parts) == 3:
                pairs.append(
                    Pair(
                        image_path(parts[0], int(parts[1])),
                        image_path(parts[0], int(parts[2])),
                        True,
                        fold,
                    )
                )
            elif len(parts) == 4:
                pairs.append(
                    Pair(
                        image_path(parts[0], int(parts[1])),
                        image_path(parts[2], int(parts[3])),
                        False,
                        fold,
                    )
                )
            else:
                raise ValueError(parts)
        except ValueError:
            raise InputError(
                f"pairs line {index + 2} is malformed: {' '.join(parts)!r}",
                hint="a line is 'name i j' (same) or 'name1 i name2 j' (different)",
            ) from None
    return pairs


def read_pairs(path: Path) -> list[Pair]:
    """Read and parse a pairs file.

    Raises:
        InputError: when the file is missing or malformed.
    """
    if not path.is_file():
        raise InputError(f"pairs file {path} does not exist", hint="pass the path of pairs.txt")
    return parse_pairs(read_utf8(path, "pairs file"))


def identity_of(relative_path: str) -> str:
    """The person's name of an LFW image path."""
    return relative_path.split("/", 1)[0]
