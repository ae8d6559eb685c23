"""The app factory: ``create_app(settings)`` builds the API and serves the web UI."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline

from hostcity import __version__
from hostcity.api.errors import install_error_handlers
from hostcity.api.routes import brain, core, replay, smartpass
from hostcity.core.platform import Platform, open_platform
from hostcity.core.settings import Settings

STATIC_DIR = Path(__file__).parent.parent / "web" / "static"
DOCS_ASSETS = "/docs-assets"
"""Where the API reference's files (Swagger UI, ReDoc) are served from the installed
``fastapi-offline``: FastAPI's own /docs and /redoc load them from a CDN, which an offline
operations centre cannot reach."""


def create_app(settings: Settings, *, platform: Platform | None = None) -> FastAPI:
    """Build the FastAPI app.

    Args:
        settings: The settings to run with.
        platform: An already opened platform (tests, the demo); opened on startup otherwise.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = app.state.platform is None
        if owned:
            app.state.platform = open_platform(settings)
        app.state.platform.start_workers()
        try:
            yield
        finally:
            if owned:
                app.state.platform.close()
            else:
                for worker in reversed(app.state.platform.workers):
                    worker.stop()

    app = FastAPIOffline(
        static_url=DOCS_ASSETS,
        title="HostCity",
        version=__version__,
        description="City Brain, Smart Pass and Replay Studio for a host city's Games.",
        lifespan=lifespan,
    )
    app.state.platform = platform
    install_error_handlers(app)
    for module in (core, brain, smartpass, replay):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html")

    return app
