"""Adapters of the studio feature: external tools and the database."""
