"""The brain pillar's routes under /api/brain, one module per feature."""

from fastapi import APIRouter

from hostcity.api.routes.brain import control, emergency, forecast, incidents, twin

router = APIRouter(prefix="/api/brain")
router.include_router(control.router)
router.include_router(twin.router)
router.include_router(forecast.router)
router.include_router(incidents.router)
router.include_router(emergency.router)
