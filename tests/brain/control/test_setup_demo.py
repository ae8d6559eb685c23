"""Wiring on the platform and the built-in demo city."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from hostcity.brain.control.adapters.demo_city import DEMO_PROFILE, demo_net_file
from hostcity.brain.control.scenario import load_scenario
from hostcity.brain.control.service import ControlService
from hostcity.core.platform import Platform


def test_feature_registers_service_job_and_demo_seeder(platform: Platform) -> None:
    assert isinstance(platform.services["brain.control"], ControlService)
    assert "brain.evaluate" in platform.jobs.registry.kinds()
    assert any(s.__module__ == "hostcity.brain.control.setup" for s in platform.demo_seeders)


@pytest.mark.slow
def test_demo_city_comes_from_the_sumo_package_with_a_day_of_demand(tmp_path: Path) -> None:
    scenario = load_scenario("demo", tmp_path, seed=3)
    assert scenario.net_file == demo_net_file()
    assert "site-packages" in str(scenario.net_file) or "sumo" in scenario.net_file.parts
    signals = sum(1 for _e, el in ET.iterparse(scenario.net_file) if el.tag == "tlLogic")
    assert signals == 15
    departs = [
        float(el.get("depart", "0"))
        for _e, el in ET.iterparse(scenario.route_files[0])
        if el.tag == "vehicle"
    ]
    assert len(departs) > 1000
    assert scenario.begin_s <= min(departs) and max(departs) < scenario.end_s

    def in_hours(start_h: float, end_h: float) -> int:
        low, high = DEMO_PROFILE.sim_s(start_h), DEMO_PROFILE.sim_s(end_h)
        return sum(1 for d in departs if low <= d < high)

    assert in_hours(7.5, 8.5) > 2 * in_hours(22.5, 23.5)  # morning peak over late evening
    again = load_scenario("demo", tmp_path, seed=3, check=False)
    assert again.route_files == scenario.route_files  # generated once per seed
