"""Adapters of the twin feature: external tools and the database."""
