"""Adapters of the faces feature: external tools and the database."""
