"""The HTTP API: a FastAPI app factory with one router per pillar."""

from hostcity.api.app import create_app

__all__ = ["create_app"]
