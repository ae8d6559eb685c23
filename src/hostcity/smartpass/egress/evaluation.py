"""Egress evaluation: simulate a venue twice (nearest exit, HostCity's plan) with JuPedSim."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hostcity.core.errors import InputError
from hostcity.smartpass.egress.adapters.pedsim import simulate_evacuation
from hostcity.smartpass.egress.assignment import nearest_exit_plan, quickest_exit_plan
from hostcity.smartpass.egress.venue import Venue


def spread_agents(venue: Venue, agents: int) -> dict[str, int]:
    """Split ``agents`` over the sections in proportion to their capacities.

    Raises:
        InputError: when there are no agents or no seats to put them in.
    """
    seats = sum(s.capacity for s in venue.sections)
    if agents <= 0:
        raise InputError("--agents must be a positive number")
    if seats <= 0:
        raise InputError(f"venue {venue.id!r} has no stands with a capacity to fill")
    counts = {s.id: agents * s.capacity // seats for s in venue.sections}
    leftover = agents - sum(counts.values())
    for section in sorted(counts, key=lambda k: -venue.area(k).capacity)[:leftover]:
        counts[section] += 1
    return counts


def evaluate_egress(
    venue: Venue,
    agents: int,
    *,
    seed: int = 1,
    dt_s: float = 0.05,
    on_progress: Callable[[float, str], None] | None = None,
) -> dict[str, Any]:
    """Evacuate ``venue`` in JuPedSim with everyone at the nearest exit, then with HostCity's.

    Returns:
        ``evac_time_nearest_s``, ``evac_time_hostcity_s``, ``reduction`` and per-exit detail.
    """
    crowd = spread_agents(venue, agents)
    plans = {
        "nearest": nearest_exit_plan(venue, crowd),
        "hostcity": quickest_exit_plan(venue, crowd),
    }
    results = {}
    for index, (name, plan) in enumerate(plans.items()):

        def report(fraction: float, index: int = index, name: str = name) -> None:
            if on_progress is not None:
                on_progress((index + fraction) / len(plans), f"simulating {name}")

        results[name] = simulate_evacuation(
            venue, crowd, plan.exit_shares(), seed=seed, dt_s=dt_s, on_progress=report
        )
    nearest_s = results["nearest"].evacuation_time_s
    hostcity_s = results["hostcity"].evacuation_time_s
    return {
        "venue": venue.id,
        "agents": agents,
        "evac_time_nearest_s": round(nearest_s, 1),
        "evac_time_hostcity_s": round(hostcity_s, 1),
        "reduction": round(1.0 - hostcity_s / nearest_s, 4),
        "per_exit": {
            name: {
                exit_id: {
                    "agents": r.per_exit[exit_id],
                    "clear_s": round(r.per_exit_clear_s[exit_id], 1),
                }
                for exit_id in r.per_exit
            }
            for name, r in results.items()
        },
        "model": "JuPedSim CollisionFreeSpeedModel",
        "dt_s": dt_s,
    }
