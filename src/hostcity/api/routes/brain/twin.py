"""Routes of the twin feature."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["brain: twin"])
