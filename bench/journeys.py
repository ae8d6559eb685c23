"""Journey planning benchmark: HostCity RAPTOR vs PyPI ``pyraptor`` on the same queries.

Usage:
    python bench/journeys.py ../shared/data/transit/cairns_gtfs.zip \
        ../shared/data/transit/nyc_subway_gtfs.zip [--queries 200] [--check 40]

For each feed it picks the busiest service day, draws random (origin stop, destination
stop, departure 06:00-20:00) queries, and times:

- ``hostcity door-to-door``: coordinates in, walking to and from every stop within 1 km,
  footpaths between stops within 400 m, 60 s to change, the Pareto set over transfers;
- ``hostcity stop-to-stop``: the same problem pyraptor solves (no footpaths, no change
  time), whose earliest arrivals must equal pyraptor's;
- ``pyraptor 1.3.10``: ``RaptorAlgorithm.run`` plus ``reconstruct_journey``, in its own
  virtual environment under ``bench/out/`` (it pins pandas<2).

It also checks ``--check`` door-to-door queries against the reference Dijkstra. It prints
a table and ends with one JSON line.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import time
import venv
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from hostcity.smartpass.transit.adapters.feedfiles import read_feed_zip
from hostcity.smartpass.transit.gtfs import parse_feed
from hostcity.smartpass.transit.planner import plan, prepare, walks
from hostcity.smartpass.transit.raptor import raptor
from hostcity.smartpass.transit.reference import reference_arrivals
from hostcity.smartpass.transit.service_days import active_services
from hostcity.smartpass.transit.timetable import build_stop_index, build_timetable
from hostcity.smartpass.transit.types import Feed, LatLon, TripParams
from hostcity.smartpass.transit.walking import StraightLineWalk

OUT = Path(__file__).parent / "out"
PYRAPTOR_VENV = OUT / "pyraptor-venv"
PYRAPTOR_PINS = ["pyraptor==1.3.10", "numpy<2", "attrs"]
WORKER = Path(__file__).parent / "pyraptor_worker.py"
ROUNDS = 5


def busiest_day(feed: Feed, first: date, last: date) -> date:
    """The service day with the most trips (the first such day)."""
    per_service: dict[str, int] = {}
    for trip in feed.trips.values():
        per_service[trip.service_id] = per_service.get(trip.service_id, 0) + 1
    best, best_count = first, -1
    day = first
    while day <= last:
        count = sum(per_service.get(s, 0) for s in active_services(feed, day))
        if count > best_count:
            best, best_count = day, count
        day += timedelta(days=1)
    return best


def pyraptor_python() -> Path:
    """The interpreter of pyraptor's own virtual environment, made on first use."""
    python = PYRAPTOR_VENV / "bin" / "python"
    if not python.exists():
        print(f"creating {PYRAPTOR_VENV} for pyraptor (once)...", file=sys.stderr)
        venv.create(PYRAPTOR_VENV, with_pip=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", *PYRAPTOR_PINS], check=True)
    return python


def run_pyraptor(payload: dict[str, Any]) -> dict[str, Any]:
    """Run the worker in pyraptor's environment."""
    done = subprocess.run(
        [str(pyraptor_python()), str(WORKER)],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"pyraptor worker failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def stats_ms(times_s: list[float]) -> dict[str, float]:
    """Median and p95 in milliseconds."""
    ordered = sorted(times_s)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 3),
        "p95_ms": round(p95 * 1000, 3),
    }


def bench_feed(
    path: Path, *, queries: int, check: int, seed: int, pyraptor_queries: int
) -> dict[str, Any]:
    """All measurements on one feed."""
    started = time.perf_counter()
    feed = parse_feed(read_feed_zip(path), name=path.stem)
    net = prepare(feed, StraightLineWalk(), TripParams())
    load_s = time.perf_counter() - started
    day = busiest_day(feed, net.first_day, net.last_day)
    tt = net.timetable(day)
    rng = random.Random(seed)
    served = sorted({s for _, times in tt.trips.values() for s, _, _ in times})
    drawn = [
        (rng.choice(served), rng.choice(served), rng.randrange(6 * 3600, 20 * 3600))
        for _ in range(queries)
    ]
    drawn = [(o, d, t) for o, d, t in drawn if o != d]
    ids, lats, lons = tt.stops.stop_ids, tt.stops.lats, tt.stops.lons

    door_s, door_cpu_s, found = [], [], 0
    for o, d, t in drawn:
        a, b = LatLon(float(lats[o]), float(lons[o])), LatLon(float(lats[d]), float(lons[d]))
        tick, cpu = time.perf_counter(), time.process_time()
        _, plans = plan(net, a, b, tt.at(t))
        door_s.append(time.perf_counter() - tick)
        door_cpu_s.append(time.process_time() - cpu)
        found += bool(plans)

    bare_index = build_stop_index(feed, net.walk, replace(net.params, transfer_max_m=0.0))
    bare_index.footpaths = [[] for _ in bare_index.footpaths]  # not even to a stop's twin
    bare_tt = build_timetable(feed, day, bare_index)
    stop_s, stop_cpu_s, stop_arrivals = [], [], []
    for o, d, t in drawn:
        tick, cpu = time.perf_counter(), time.process_time()
        plans = raptor(bare_tt, [(o, 0)], {d: 0}, t, max_rides=ROUNDS, min_change_s=0)
        stop_s.append(time.perf_counter() - tick)
        stop_cpu_s.append(time.process_time() - cpu)
        stop_arrivals.append(plans[-1].arrive_s if plans else None)

    mismatches = checked = 0
    for o, d, t in drawn[:check]:
        a, b = LatLon(float(lats[o]), float(lons[o])), LatLon(float(lats[d]), float(lons[d]))
        _, plans = plan(net, a, b, tt.at(t))
        access, egress, direct = walks(net, a, b)
        expected = reference_arrivals(
            tt,
            access,
            egress,
            t,
            max_rides=net.params.max_rides,
            min_change_s=net.params.min_change_s,
            direct_walk_s=direct,
        )
        checked += 1
        mismatches += [(p.rides, p.arrive_s) for p in plans] != expected

    result: dict[str, Any] = {
        "feed": path.name,
        "day": day.isoformat(),
        "stops": len(ids),
        "trips_that_day": len(tt.trips),
        "patterns": len(tt.patterns),
        "load_s": round(load_s, 2),
        "queries": len(drawn),
        "door_to_door_found": found,
        "hostcity_door_to_door": stats_ms(door_s),
        "hostcity_stop_to_stop": stats_ms(stop_s),
        "hostcity_door_to_door_cpu": stats_ms(door_cpu_s),
        "hostcity_stop_to_stop_cpu": stats_ms(stop_cpu_s),
        "dijkstra_checked": checked,
        "dijkstra_mismatches": mismatches,
    }
    if pyraptor_queries > 0:
        # pyraptor takes seconds per query: it runs the first queries; both are timed on them
        subset = drawn[:pyraptor_queries]
        payload = {
            "stops": ids,
            "rounds": ROUNDS,
            "trips": [[[ids[s], a, dep] for s, a, dep in times] for _, times in tt.trips.values()],
            "queries": [[ids[o], ids[d], t] for o, d, t in subset],
        }
        theirs = run_pyraptor(payload)
        n = len(subset)
        result["pyraptor"] = stats_ms(theirs["times_s"])
        result["pyraptor_cpu"] = stats_ms(theirs["cpu_s"])
        result["pyraptor_queries"] = n
        result["hostcity_door_to_door_same_queries"] = stats_ms(door_s[:n])
        result["hostcity_door_to_door_cpu_same_queries"] = stats_ms(door_cpu_s[:n])
        result["hostcity_stop_to_stop_same_queries"] = stats_ms(stop_s[:n])
        same = sum(x == y for x, y in zip(stop_arrivals[:n], theirs["arrivals_s"], strict=True))
        result["stop_to_stop_same_arrival_as_pyraptor"] = f"{same}/{n}"
        result["stop_to_stop_differences"] = [
            {
                "query": [ids[o], ids[d], t],
                "hostcity_s": x,
                "pyraptor_s": y,
                "dijkstra_s": (
                    reference_arrivals(
                        bare_tt, [(o, 0)], {d: 0}, t, max_rides=ROUNDS, min_change_s=0
                    )
                    or [(0, None)]
                )[-1][1],
            }
            for (o, d, t), x, y in zip(subset, stop_arrivals, theirs["arrivals_s"], strict=False)
            if x != y
        ]
        result["speedup_vs_pyraptor_cpu_median"] = round(
            result["pyraptor_cpu"]["median_ms"]
            / result["hostcity_door_to_door_cpu_same_queries"]["median_ms"],
            1,
        )
        result["speedup_vs_pyraptor_median"] = round(
            result["pyraptor"]["median_ms"]
            / result["hostcity_door_to_door_same_queries"]["median_ms"],
            1,
        )
    return result


def _cell(result: dict[str, Any], key: str, suffix: str = "") -> str:
    """'median / p95 (CPU median / CPU p95)' of one measurement, '-' when absent."""
    none = {"median_ms": "-", "p95_ms": "-"}
    wall, cpu = result.get(key + suffix, none), result.get(key + "_cpu" + suffix, none)
    return f"{wall['median_ms']} / {wall['p95_ms']} ({cpu['median_ms']} / {cpu['p95_ms']})"


def main() -> None:
    """Parse arguments, run every feed, print a table and one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("feeds", nargs="+", type=Path, help="GTFS zips")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--check", type=int, default=40, help="queries checked by Dijkstra")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--pyraptor-queries",
        type=int,
        default=40,
        help="queries also run by pyraptor (seconds each); 0 skips it",
    )
    args = parser.parse_args()
    results = [
        bench_feed(
            p,
            queries=args.queries,
            check=args.check,
            seed=args.seed,
            pyraptor_queries=args.pyraptor_queries,
        )
        for p in args.feeds
    ]
    print(
        "| feed (day) | queries | HostCity door-to-door ms, median / p95 (CPU) | HostCity "
        "stop-to-stop ms (CPU) | pyraptor ms, first N queries (CPU) | HostCity door-to-door ms, "
        "same N (CPU) | speed-up (median) | same arrivals as pyraptor | Dijkstra mismatches |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r['feed']} ({r['day']}) | {r['queries']} | "
            f"{_cell(r, 'hostcity_door_to_door')} | {_cell(r, 'hostcity_stop_to_stop')} | "
            f"{_cell(r, 'pyraptor')} N={r.get('pyraptor_queries', 0)} | "
            f"{_cell(r, 'hostcity_door_to_door', '_same_queries')} | "
            f"{r.get('speedup_vs_pyraptor_median', '-')}x | "
            f"{r.get('stop_to_stop_same_arrival_as_pyraptor', '-')} | "
            f"{r['dijkstra_mismatches']}/{r['dijkstra_checked']} |"
        )
    OUT.mkdir(exist_ok=True)
    (OUT / "journeys.json").write_text(json.dumps(results, indent=2))
    print(json.dumps({"benchmark": "journeys", "results": results}))


if __name__ == "__main__":
    main()
