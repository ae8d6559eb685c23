"""Approximate coordinates of the Milano Cortina 2026 venues, which the official data lacks."""

from __future__ import annotations

# (lat, lon) in WGS84, read off public maps to within about a kilometre. They feed only the
# straight-line travel estimate between venues, where that error is far below the detour.
MC_VENUE_COORDS: dict[str, tuple[float, float]] = {
    "ABA": (46.8830, 12.1440),  # Anterselva Biathlon Arena
    "CCU": (46.5405, 12.1395),  # Cortina Curling Olympic Stadium
    "CSC": (46.5515, 12.1360),  # Cortina Sliding Centre
    "CAL": (46.5330, 12.1170),  # Tofane Alpine Skiing Centre
    "LAM": (46.5440, 10.1500),  # Livigno Aerials & Moguls Park
    "LSP": (46.5250, 10.1250),  # Livigno Snow Park
    "MSK": (45.4060, 9.1370),  # Milano Ice Skating Arena (Assago)
    "MOS": (45.4781, 9.1240),  # Milano San Siro Olympic Stadium
    "MH1": (45.4430, 9.2460),  # Milano Santagiulia Ice Hockey Arena
    "MSS": (45.5200, 9.0820),  # Milano Speed Skating Stadium (Rho)
    "MH2": (45.5190, 9.0870),  # Milano Rho Ice Hockey Arena
    "PSJ": (46.3110, 11.6010),  # Predazzo Ski Jumping Stadium
    "SSC": (46.4620, 10.3710),  # Stelvio Ski Centre (Bormio)
    "TCC": (46.2870, 11.5150),  # Tesero Cross-Country Skiing Stadium
    "VOA": (45.4390, 10.9943),  # Verona Olympic Arena
}

# The opening ceremony is listed at this pseudo-venue, which venues.csv does not define.
MULTIPLE_VENUES = "MTP"
