"""Adapters of the recordings feature: external tools and the database."""
