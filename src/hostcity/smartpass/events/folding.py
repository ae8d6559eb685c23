"""Accent- and case-insensitive folding of names for search."""

from __future__ import annotations

import unicodedata

# Letters that Unicode does not decompose into a base letter plus a combining mark.
_EXTRA = str.maketrans(
    {
        "ø": "o",
        "æ": "ae",
        "œ": "oe",
        "đ": "d",
        "ð": "d",
        "ł": "l",
        "þ": "th",
        "\u0131": "i",  # dotless i
        "ħ": "h",
        "ŋ": "n",
    }
)


def fold(text: str) -> str:
    """``text`` without accents, case-folded, with runs of whitespace collapsed.

    Example: ``fold("  Søren ÖDEGÅRD ")`` is ``"soren odegard"``.
    """
    lowered = text.casefold().translate(_EXTRA)
    decomposed = unicodedata.normalize("NFKD", lowered)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.split())


def fold_tokens(text: str) -> list[str]:
    """The folded words of ``text``, for matching every word of a query."""
    return fold(text).replace("-", " ").replace("'", " ").split()
