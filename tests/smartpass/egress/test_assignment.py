"""Venue plans and exit assignment, without a simulator."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hostcity.core.errors import InputError, ValidationFailed
from hostcity.smartpass.egress.assignment import nearest_exit_plan, quickest_exit_plan
from hostcity.smartpass.egress.layout import arena_layout
from hostcity.smartpass.egress.service import builtin_venue_files
from hostcity.smartpass.egress.venue import load_venue, parse_venue


def full(venue_data: dict[str, Any]) -> dict[str, int]:
    return {a["id"]: a["capacity"] for a in venue_data["areas"] if a["kind"] == "stand"}


def test_nearest_plan_sends_each_section_to_its_closest_exit() -> None:
    data = arena_layout("V", "Venue")
    plan = nearest_exit_plan(parse_venue(data), full(data))
    assert plan.exit_shares() == {
        "S1": {"main-gate": 1.0},
        "S2": {"main-gate": 1.0},
        "S3": {"main-gate": 1.0},
        "S4": {"east-gate": 1.0},
    }


def test_quickest_plan_relieves_the_overloaded_exit_and_clears_sooner() -> None:
    data = arena_layout("V", "Venue")
    venue = parse_venue(data)
    nearest = nearest_exit_plan(venue, full(data))
    quickest = quickest_exit_plan(venue, full(data))
    main_nearest = sum(r.people for r in nearest.routes if r.exit == "main-gate")
    main_quickest = sum(r.people for r in quickest.routes if r.exit == "main-gate")
    assert main_quickest < main_nearest
    assert quickest.est_evacuation_s < nearest.est_evacuation_s
    for section in ("S1", "S2", "S3", "S4"):
        assert sum(quickest.exit_shares()[section].values()) == pytest.approx(1.0)
    # Those diverted to the far exit are the ones it is least far for.
    assert quickest.exit_shares()["S1"] == {"main-gate": 1.0}


def test_an_empty_venue_needs_no_crowd_spreading() -> None:
    data = arena_layout("V", "Venue")
    venue = parse_venue(data)
    few = {"S3": 5}
    plan = quickest_exit_plan(venue, few)
    # With five people there is no queue worth a longer walk: the nearest exit wins.
    assert plan.exit_shares() == nearest_exit_plan(venue, few).exit_shares()


def test_paths_run_from_section_to_exit_along_links() -> None:
    data = arena_layout("V", "Venue")
    venue = parse_venue(data)
    linked = {frozenset((link.a, link.b)) for link in venue.links}
    for route in quickest_exit_plan(venue, full(data)).routes:
        assert route.path[0] == route.section
        assert route.path[-1] == route.exit
        for a, b in zip(route.path, route.path[1:], strict=False):
            assert frozenset((a, b)) in linked


def _broken(mutate: Any) -> dict[str, Any]:
    data = arena_layout("V", "Venue")
    mutate(data)
    return data


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        pytest.param(
            _broken(lambda d: d["links"].pop(0)), "no exit can be reached from S1", id="unreachable"
        ),
        pytest.param(
            _broken(lambda d: d["links"][0].update(b="nowhere")), "unknown area", id="bad-link"
        ),
        pytest.param(
            _broken(lambda d: d["areas"][0].update(kind="balcony")), "kind", id="bad-kind"
        ),
        pytest.param(
            _broken(lambda d: d.update(areas=[a for a in d["areas"] if a["kind"] != "exit"])),
            "unknown area",
            id="no-exit-but-links",
        ),
        pytest.param(
            _broken(lambda d: d["areas"][0].update(polygon=[[0, 0], [1, 1]])),
            "at least 3 points",
            id="degenerate-polygon",
        ),
        pytest.param(_broken(lambda d: d.pop("id")), "id", id="missing-id"),
    ],
)
def test_bad_venue_plans_name_the_problem(data: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ValidationFailed, match=fragment):
        parse_venue(data)


def test_unreadable_venue_file_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "venue.json"
    path.write_text("{not json")
    with pytest.raises(InputError, match="line 1"):
        load_venue(path)


def test_unknown_section_lists_the_sections() -> None:
    venue = parse_venue(arena_layout("V", "Venue"))
    with pytest.raises(InputError, match="S1, S2, S3, S4"):
        venue.area("S9")


def test_every_shipped_demo_venue_is_valid() -> None:
    files = builtin_venue_files()
    assert len(files) >= 5
    for path in files:
        venue = load_venue(path)
        assert venue.id == json.loads(path.read_text())["id"] == path.stem
        assert venue.origin_lat is not None
