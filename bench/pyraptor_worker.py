"""Runs pyraptor 1.3.10 on a timetable and queries given as JSON; used by bench/journeys.py.

It runs inside pyraptor's own virtual environment (pyraptor pins pandas<2), so it imports
nothing from HostCity. Input on stdin, one JSON object: {"stops": [...], "trips":
[[[stop, arr_s, dep_s], ...], ...], "queries": [[origin, destination, depart_s], ...],
"rounds": k}. Output on stdout: {"times_s": [...], "cpu_s": [...], "arrivals_s": [... or null]}.
"""

from __future__ import annotations

import json
import sys
import time


def main() -> None:
    """Build pyraptor's timetable, then time each query's RAPTOR run and journey rebuild."""
    from loguru import logger

    logger.remove()  # pyraptor logs every round at INFO
    from pyraptor.model.raptor import RaptorAlgorithm, reconstruct_journey
    from pyraptor.model.structures import (
        Routes,
        Station,
        Stations,
        Stop,
        Stops,
        Timetable,
        Transfers,
        Trip,
        Trips,
        TripStopTime,
        TripStopTimes,
    )

    data = json.load(sys.stdin)
    stations, stops = Stations(), Stops()
    for stop_id in data["stops"]:
        station = stations.add(Station(stop_id, stop_id))
        stop = Stop(stop_id, stop_id, station, "?")
        station.add_stop(stop)
        stops.add(stop)
    trips, stop_times = Trips(), TripStopTimes()
    for times in data["trips"]:
        trip = Trip()
        for index, (stop_id, arr, dep) in enumerate(times):
            item = TripStopTime(trip, index, stops.get(stop_id), arr, dep, 0)
            stop_times.add(item)
            trip.add_stop_time(item)
        trips.add(trip)
    routes = Routes()
    for trip in trips:
        routes.add(trip)
    timetable = Timetable(
        stations=stations,
        stops=stops,
        trips=trips,
        trip_stop_times=stop_times,
        routes=routes,
        transfers=Transfers(),
    )
    times_s: list[float] = []
    cpu_s: list[float] = []
    arrivals: list[int | None] = []
    for origin, destination, depart in data["queries"]:
        start, cpu = time.perf_counter(), time.process_time()
        bags = RaptorAlgorithm(timetable).run([stops.get(origin)], depart, data["rounds"])
        best = bags[data["rounds"]]
        target = stops.get(destination)
        arrival = best[target].earliest_arrival_time
        if arrival < 2147483647:
            reconstruct_journey(target, best)
        times_s.append(time.perf_counter() - start)
        cpu_s.append(time.process_time() - cpu)
        arrivals.append(arrival if arrival < 2147483647 else None)
    json.dump({"times_s": times_s, "cpu_s": cpu_s, "arrivals_s": arrivals}, sys.stdout)


if __name__ == "__main__":
    main()
