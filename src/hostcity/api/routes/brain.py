"""The brain pillar's routes under /api/brain."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/brain", tags=["brain"])
