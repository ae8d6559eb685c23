"""The base of every JSON request body."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

Longitude = Annotated[float | None, Field(default=None, ge=-180, le=180)]
"""An optional WGS84 longitude in degrees."""
Latitude = Annotated[float | None, Field(default=None, ge=-90, le=90)]
"""An optional WGS84 latitude in degrees."""


class InputModel(BaseModel):
    """A request body whose numbers must be finite.

    Python's JSON parser reads ``NaN`` and ``Infinity``; a body carrying them is refused (422)
    rather than stored, sent to the twin or put in a CAP alert.
    """

    model_config = ConfigDict(allow_inf_nan=False)
