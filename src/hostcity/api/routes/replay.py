"""The replay pillar's routes under /api/replay."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/replay", tags=["replay"])
