"""Clips: the edit decision list, FFmpeg filter-graph rendering, reframing and loudness."""
