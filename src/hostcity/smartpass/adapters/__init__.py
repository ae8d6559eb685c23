"""Adapters: the smartpass pillar's bridges to external tools and the database."""
