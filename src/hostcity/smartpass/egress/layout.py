"""A parametric arena plan: stands over a concourse with exits along it (demo venues, tests)."""

from __future__ import annotations

from typing import Any

CONCOURSE_DEPTH_M = 10.0
STAND_DEPTH_M = 14.0
GAP_M = 2.0  # between concourse and stands, bridged by each stand's vomitory
VOMITORY_WIDTH_M = 8.0
EXIT_DEPTH_M = 3.0


def _rect(x0: float, y0: float, x1: float, y1: float) -> list[list[float]]:
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]


def arena_layout(
    venue_id: str,
    name: str,
    *,
    stands: int = 4,
    stand_width_m: float = 20.0,
    stand_capacity: int = 200,
    exits: tuple[tuple[str, float, float, float], ...] = (
        ("main-gate", 30.0, 2.0, 0.0),
        ("east-gate", 78.0, 2.0, 0.0),
    ),
    lat: float | None = None,
    lon: float | None = None,
) -> dict[str, Any]:
    """Build venue JSON: a row of stands, a concourse split per stand, and exits below it.

    Args:
        venue_id: Id of the venue (the event's venue code).
        name: Display name.
        stands: Number of stands (sections), side by side.
        stand_width_m: Width of each stand.
        stand_capacity: Seats per stand.
        exits: (id, x of the exit's centre along the concourse, door width in m, length of
            the corridor that leads from the concourse down to the door, 0 for none).
        lat: Latitude of the venue's origin, for the map.
        lon: Longitude of the venue's origin.
    """
    areas: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    top = CONCOURSE_DEPTH_M
    for i in range(stands):
        x0, x1 = i * stand_width_m, (i + 1) * stand_width_m
        xc = (x0 + x1) / 2
        half = VOMITORY_WIDTH_M / 2
        y_stand = top + GAP_M
        polygon = [
            [x0 + 0.5, y_stand], [xc - half, y_stand], [xc - half, top - 0.05],
            [xc + half, top - 0.05], [xc + half, y_stand], [x1 - 0.5, y_stand],
            [x1 - 0.5, y_stand + STAND_DEPTH_M], [x0 + 0.5, y_stand + STAND_DEPTH_M],
        ]  # fmt: skip
        areas.append({"id": f"S{i + 1}", "kind": "stand", "name": f"Stand {i + 1}",
                      "polygon": polygon, "capacity": stand_capacity})  # fmt: skip
        areas.append({"id": f"C{i + 1}", "kind": "concourse", "name": f"Concourse {i + 1}",
                      "polygon": _rect(x0, 0.0, x1, top)})  # fmt: skip
        links.append({"a": f"S{i + 1}", "b": f"C{i + 1}", "width_m": VOMITORY_WIDTH_M,
                      "length_m": GAP_M + STAND_DEPTH_M / 2 + top / 2})  # fmt: skip
        if i:
            links.append({"a": f"C{i}", "b": f"C{i + 1}", "width_m": CONCOURSE_DEPTH_M,
                          "length_m": stand_width_m})  # fmt: skip
    for exit_id, x_m, width_m, approach_m in exits:
        segment = min(int(x_m // stand_width_m), stands - 1)
        seg_centre = (segment + 0.5) * stand_width_m
        x0, x1 = x_m - width_m / 2, x_m + width_m / 2
        door_from, door_y = f"C{segment + 1}", 0.05
        reach_m = abs(x_m - seg_centre) + top / 2
        if approach_m > 0:
            corridor = f"{exit_id}-corridor"
            areas.append({"id": corridor, "kind": "concourse", "name": f"Corridor to {exit_id}",
                          "polygon": _rect(x0 - 0.5, -approach_m, x1 + 0.5, 0.05)})  # fmt: skip
            links.append({"a": door_from, "b": corridor, "width_m": width_m + 1.0,
                          "length_m": reach_m + approach_m / 2})  # fmt: skip
            door_from, door_y, reach_m = corridor, -approach_m + 0.05, approach_m / 2
        areas.append({"id": exit_id, "kind": "exit", "name": exit_id.replace("-", " ").title(),
                      "polygon": _rect(x0, door_y - EXIT_DEPTH_M, x1, door_y),
                      "width_m": width_m})  # fmt: skip
        links.append({"a": door_from, "b": exit_id, "width_m": width_m,
                      "length_m": reach_m + EXIT_DEPTH_M})  # fmt: skip
    return {
        "id": venue_id,
        "name": name,
        "origin": {"lat": lat, "lon": lon},
        "walk_speed_mps": 1.2,
        "areas": areas,
        "links": links,
    }
