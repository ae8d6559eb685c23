"""Replay Studio: multi-camera recordings, professional clips, automatic highlights."""
