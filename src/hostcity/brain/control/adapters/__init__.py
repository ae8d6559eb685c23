"""Adapters of the control feature: external tools and the database."""
