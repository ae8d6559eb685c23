"""Adapters of the events feature: external tools and the database."""
