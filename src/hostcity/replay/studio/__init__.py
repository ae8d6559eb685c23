"""Replay Studio: camera sets, sync, clip rendering with FFmpeg filter graphs, highlights."""
