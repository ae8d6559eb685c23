"""Adapters of the forecast feature: external tools and the database."""
