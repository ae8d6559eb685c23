"""The smartpass pillar's routes under /api/pass, one module per feature."""

from fastapi import APIRouter

from hostcity.api.routes.smartpass import egress, events, faces, transit

router = APIRouter(prefix="/api/pass")
router.include_router(faces.router)
router.include_router(events.router)
router.include_router(transit.router)
router.include_router(egress.router)
