"""Adapters: the replay pillar's bridges to external tools and the database."""
