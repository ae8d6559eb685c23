"""Recordings: camera sets, probing, synchronisation, thumbnails, demo footage and highlights."""
