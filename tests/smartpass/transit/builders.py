"""Small GTFS feeds built in code for the transit tests."""

from __future__ import annotations

from pathlib import Path

from hostcity.smartpass.transit.adapters.feedfiles import write_feed_zip
from hostcity.smartpass.transit.generator import FeedSpec, random_feed, to_text


def feed_zip(tmp_path: Path, files: dict[str, str], name: str = "feed") -> Path:
    """Write ``files`` as a GTFS zip under ``tmp_path``."""
    return write_feed_zip(files, tmp_path / f"{name}.zip")


def small_feed(seed: int = 1) -> dict[str, str]:
    """A random valid feed (Berlin time, 2026-02-02 for 14 days)."""
    return random_feed(FeedSpec(seed=seed, stops=25, routes=6, trips_per_route=16))


def corridor_feed() -> dict[str, str]:
    """Stops A..D on a line about 1 km apart.

    Line SLOW runs A->D directly (arrives 09:40); line FAST1 runs A->B and FAST2 B->D,
    arriving 09:20 with one transfer at B; a night trip runs past midnight, and an early
    one leaves B at 05:30.
    """
    stops = [
        ("A", "Alpha", 52.430, 13.500),
        ("B", "Bravo", 52.430, 13.515),
        ("C", "Charlie", 52.430, 13.530),
        ("D", "Delta", 52.430, 13.545),
    ]
    trips = [
        ("SLOW", "daily", "slow1", "Delta"),
        ("FAST1", "daily", "fast1", "Bravo"),
        ("FAST2", "daily", "fast2", "Delta"),
        ("SLOW", "daily", "night1", "Delta"),
        ("FAST2", "daily", "early1", "Delta"),
    ]
    times = [
        ("slow1", "09:00:00", "09:00:00", "A", 1),
        ("slow1", "09:20:00", "09:20:00", "B", 2),
        ("slow1", "09:30:00", "09:30:00", "C", 3),
        ("slow1", "09:40:00", "09:40:00", "D", 4),
        ("fast1", "09:02:00", "09:02:00", "A", 1),
        ("fast1", "09:08:00", "09:08:00", "B", 2),
        ("fast2", "09:10:00", "09:10:00", "B", 1),
        ("fast2", "09:20:00", "09:20:00", "D", 2),
        ("night1", "24:30:00", "24:30:00", "A", 1),
        ("night1", "24:50:00", "24:50:00", "D", 2),
        ("early1", "05:30:00", "05:30:00", "B", 1),
        ("early1", "05:40:00", "05:40:00", "D", 2),
    ]
    return to_text(
        {
            "agency.txt": [("A", "Corridor", "https://example.org", "Europe/Berlin")],
            "stops.txt": list(stops),
            "routes.txt": [
                ("SLOW", "A", "S", "Slow", 3),
                ("FAST1", "A", "F1", "Fast 1", 3),
                ("FAST2", "A", "F2", "Fast 2", 3),
            ],
            "trips.txt": list(trips),
            "stop_times.txt": list(times),
            "calendar.txt": [("daily", 1, 1, 1, 1, 1, 1, 1, "20260201", "20260228")],
        }
    )


SPEC = FeedSpec()


# The SLOW line's road: it bends 100 m north between each pair of stops.
SLOW_SHAPE = [
    (52.430, 13.500),
    (52.431, 13.5075),
    (52.430, 13.515),
    (52.431, 13.5225),
    (52.430, 13.530),
    (52.431, 13.5375),
    (52.430, 13.545),
]


def corridor_feed_with_shapes() -> dict[str, str]:
    """``corridor_feed`` whose SLOW trips drive along ``SLOW_SHAPE`` (shapes.txt, listed
    out of order, as sequence numbers need not come in order)."""
    files = corridor_feed()
    lines = files["trips.txt"].splitlines()
    assert lines[0].endswith(",shape_id")  # the generator's header has the column
    trips = [lines[0]]
    trips += [row + (",slow-road" if row.startswith("SLOW,") else "") for row in lines[1:]]
    rows = [f"slow-road,{lat},{lon},{10 * (i + 1)}" for i, (lat, lon) in enumerate(SLOW_SHAPE)]
    shapes = ["shape_id,shape_pt_lat,shape_pt_lon,shape_pt_sequence", *reversed(rows)]
    return {**files, "trips.txt": "\n".join(trips) + "\n", "shapes.txt": "\n".join(shapes) + "\n"}
