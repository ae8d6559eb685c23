"""API routers: core routes plus one router per pillar."""
