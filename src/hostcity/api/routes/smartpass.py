"""The smartpass pillar's routes under /api/pass."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/pass", tags=["smartpass"])
