"""Routes of the clips feature."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["replay: clips"])
