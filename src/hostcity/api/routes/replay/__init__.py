"""The replay pillar's routes under /api/replay, one module per feature."""

from fastapi import APIRouter

from hostcity.api.routes.replay import clips, recordings

router = APIRouter(prefix="/api/replay")
router.include_router(recordings.router)
router.include_router(clips.router)
