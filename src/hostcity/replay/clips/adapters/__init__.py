"""Adapters of the clips feature: FFmpeg and the database."""
