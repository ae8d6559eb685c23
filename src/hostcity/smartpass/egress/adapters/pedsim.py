"""JuPedSim adapter: simulate a venue's evacuation with given exit choices per section."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from hostcity.core.errors import DependencyError, InputError
from hostcity.smartpass.egress.venue import Venue

AGENT_SPACING_M = 0.55
WALL_DISTANCE_M = 0.3


@dataclass(frozen=True)
class EvacuationResult:
    """What one simulated evacuation gave."""

    evacuation_time_s: float
    agents: int
    per_exit: dict[str, int]
    per_exit_clear_s: dict[str, float]


def simulate_evacuation(
    venue: Venue,
    people: Mapping[str, int],
    shares: Mapping[str, Mapping[str, float]],
    *,
    seed: int = 1,
    dt_s: float = 0.02,
    max_time_s: float = 1800.0,
    on_progress: Callable[[float], None] | None = None,
) -> EvacuationResult:
    """Place ``people[section]`` agents in each section, send them to exits by ``shares``.

    Raises:
        InputError: when the geometry is not one connected walkable area, or a section
            cannot hold its agents.
        DependencyError: when JuPedSim or shapely is missing.
    """
    try:
        import jupedsim as jps
        from shapely import Polygon, unary_union
    except ImportError as exc:
        raise DependencyError(
            "JuPedSim is not installed", hint="pip install jupedsim (it ships on PyPI)"
        ) from exc
    shapes = {a.id: Polygon(a.polygon) for a in venue.areas}
    walkable = unary_union(list(shapes.values()))
    if walkable.geom_type != "Polygon":
        raise InputError(
            f"venue {venue.id!r}: the areas do not form one connected walkable area",
            hint="make linked areas touch or overlap in the plan",
        )
    simulation = jps.Simulation(model=jps.CollisionFreeSpeedModel(), geometry=walkable, dt=dt_s)
    journeys = {}
    for exit_area in venue.exits:
        stage = simulation.add_exit_stage(shapes[exit_area.id])
        journeys[exit_area.id] = (simulation.add_journey(jps.JourneyDescription([stage])), stage)
    exit_x = {e.id: sum(p[0] for p in e.polygon) / len(e.polygon) for e in venue.exits}
    per_exit = dict.fromkeys(exit_x, 0)
    total = 0
    for section, count in sorted(people.items()):
        if count <= 0:
            continue
        positions = _positions(
            jps, shapes[section], count, seed, venue_id=venue.id, section=section
        )
        # Leftmost agents take the leftmost chosen exit, so streams do not cross needlessly.
        positions.sort()
        choice = sorted(shares[section].items(), key=lambda item: exit_x[item[0]])
        bounds, acc = [], 0.0
        for exit_id, share in choice:
            acc += share
            bounds.append((round(acc * count), exit_id))
        for index, position in enumerate(positions):
            exit_id = next(e for limit, e in bounds if index < limit) if bounds else ""
            exit_id = exit_id or choice[-1][0]
            journey_id, stage_id = journeys[exit_id]
            simulation.add_agent(
                jps.CollisionFreeSpeedModelAgentParameters(
                    position=position, journey_id=journey_id, stage_id=stage_id
                )
            )
            per_exit[exit_id] += 1
        total += count
    max_iterations = int(max_time_s / dt_s)
    exit_of_journey = {journey: exit_id for exit_id, (journey, _stage) in journeys.items()}
    clear_s = dict.fromkeys(per_exit, 0.0)
    while simulation.agent_count() > 0 and simulation.iteration_count() < max_iterations:
        simulation.iterate(25)
        for agent in simulation.agents():
            clear_s[exit_of_journey[agent.journey_id]] = float(simulation.elapsed_time())
        if on_progress is not None:
            on_progress(1.0 - simulation.agent_count() / max(total, 1))
    if simulation.agent_count() > 0:
        raise InputError(
            f"venue {venue.id!r}: {simulation.agent_count()} agents still inside after "
            f"{max_time_s:.0f} s; the plan may trap people",
            hint="check that every section's exits are reachable in the plan geometry",
        )
    return EvacuationResult(float(simulation.elapsed_time()), total, per_exit, clear_s)


def _positions(
    jps: object, shape: object, count: int, seed: int, *, venue_id: str, section: str
) -> list[tuple[float, float]]:
    from shapely import Polygon

    # Seat agents in the stand's main block, not in its vomitory.
    assert isinstance(shape, Polygon)
    minx, _miny, maxx, maxy = shape.bounds
    ys = sorted({round(y, 6) for _x, y in shape.exterior.coords})
    block = Polygon([(minx, ys[1]), (maxx, ys[1]), (maxx, maxy), (minx, maxy)])
    block = block.intersection(shape) if block.intersects(shape) else shape
    try:
        placed = jps.distribute_by_number(  # type: ignore[attr-defined]
            polygon=block,
            number_of_agents=count,
            distance_to_agents=AGENT_SPACING_M,
            distance_to_polygon=WALL_DISTANCE_M,
            seed=seed,
        )
    except Exception as exc:  # JuPedSim raises its own AgentNumberError
        raise InputError(
            f"venue {venue_id!r}: section {section!r} cannot hold {count} agents", hint=str(exc)
        ) from exc
    return [(float(x), float(y)) for x, y in placed]
