"""The replay pillar's routes under /api/replay, one module per feature."""

from fastapi import APIRouter

from hostcity.api.routes.replay import studio

router = APIRouter(prefix="/api/replay")
router.include_router(studio.router)
