"""Adapters of the transit feature: external tools and the database."""
