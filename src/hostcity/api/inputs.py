"""The base of every JSON request body."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class InputModel(BaseModel):
    """A request body whose numbers must be finite.

    Python's JSON parser reads ``NaN`` and ``Infinity``; a body carrying them is refused (422)
    rather than stored, sent to the twin or put in a CAP alert.
    """

    model_config = ConfigDict(allow_inf_nan=False)
