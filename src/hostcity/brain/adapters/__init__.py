"""Adapters: the brain pillar's bridges to external tools and the database."""
