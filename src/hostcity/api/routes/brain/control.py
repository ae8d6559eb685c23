"""Routes of the control feature."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["brain: control"])
