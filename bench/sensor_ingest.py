"""Sensor readings per second into the City Brain's store: the MQTT feed against HTTP posts.

Usage: python bench/sensor_ingest.py [--broker mqtt://127.0.0.1:1883] [--readings 5000]
                                     [--rates 1000,4000,0] [--detectors 100]

A server (SQLite in a temporary folder, no twin) runs in this process with its MQTT feed on the
broker. Each case sends the same number of distinct NGSI-LD readings and is timed from the first
send until the store holds them all:

- mqtt@RATE: sensors in another process publish one reading per message, QoS 1, paced at RATE
  messages per second (0: as fast as they can); ``lag_s`` is how long after the last publish the
  last reading was stored, ``lost`` what never arrived (a broker drops what a subscriber that
  falls behind cannot take: Mosquitto queues 1,000 messages per client by default);
- http-1 (the baseline): one reading per POST /api/brain/observations, on one keep-alive
  connection, as sensors that post on their own would;
- http-100: batches of 100 readings per POST, as a gateway that collects them would.

Prints readings per second and the ratio to the baseline, then one JSON line.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import socket
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

EPOCH = datetime(2026, 2, 10, tzinfo=UTC)
QUIET_S = 10.0
"""A case ends this long after the store last grew (what has not arrived by then is lost)."""


def _readings(count: int, detectors: int, offset_min: int) -> list[dict[str, Any]]:
    """``count`` distinct one-minute readings of ``detectors`` loops from ``offset_min``."""
    items = []
    for n in range(count):
        start = EPOCH + timedelta(minutes=offset_min + n // detectors)
        items.append(
            {
                "id": f"urn:ngsi-ld:TrafficFlowObserved:bench-{n % detectors}",
                "type": "TrafficFlowObserved",
                "dateObservedFrom": start.isoformat(),
                "dateObservedTo": (start + timedelta(minutes=1)).isoformat(),
                "intensity": 10 + n % 7,
                "occupancy": 0.12,
                "averageVehicleSpeed": 42.0,
            }
        )
    return items


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait(check: Callable[[], bool], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting until {what}")
        time.sleep(0.01)


@dataclass(frozen=True)
class Sensors:
    """What the publishing process is told."""

    url: str
    topic: str
    count: int
    detectors: int
    offset_min: int
    rate: float


def _publish(sensors: Sensors, ready: Any, go: Any, done: Any) -> None:
    """The sensors, in a process of their own: one reading per message, QoS 1, paced."""
    from paho.mqtt.client import Client
    from paho.mqtt.enums import CallbackAPIVersion

    from hostcity.brain.twin.sensor_feed import parse_broker_url

    broker = parse_broker_url(sensors.url)
    items = _readings(sensors.count, sensors.detectors, sensors.offset_min)
    messages = [json.dumps(item) for item in items]
    publisher = Client(CallbackAPIVersion.VERSION2, client_id=f"{sensors.topic}-sensors")
    publisher.max_inflight_messages_set(100)
    publisher.max_queued_messages_set(0)
    publisher.connect(broker.host, broker.port)
    publisher.loop_start()
    ready.set()
    go.wait(60)
    started = time.monotonic()
    last = None
    for n, message in enumerate(messages):
        if sensors.rate > 0:
            ahead = started + n / sensors.rate - time.monotonic()
            if ahead > 0:
                time.sleep(ahead)
        last = publisher.publish(f"{sensors.topic}/gw", message, qos=1)
    if last is not None:
        last.wait_for_publish(120)
    done.set()
    publisher.loop_stop()
    publisher.disconnect()


def _count(platform: Any) -> int:
    from sqlalchemy import func, select

    from hostcity.brain.twin.adapters.tables import ObservationRow

    with platform.session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(ObservationRow)) or 0)


def _until_stored(platform: Any, expected: int) -> tuple[int, float]:
    """Wait until the store holds ``expected`` rows or stops growing; (rows, monotonic time
    of the last growth)."""
    seen, grew_at = _count(platform), time.monotonic()
    while seen < expected and time.monotonic() - grew_at < QUIET_S:
        time.sleep(0.01)
        now = _count(platform)
        if now > seen:
            seen, grew_at = now, time.monotonic()
    return seen, grew_at


def main(argv: list[str] | None = None) -> int:
    """Run every case on one server and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--broker", default="mqtt://127.0.0.1:1883")
    parser.add_argument("--readings", type=int, default=5000)
    parser.add_argument("--rates", default="1000,4000,0", help="messages/s; 0: unpaced")
    parser.add_argument("--detectors", type=int, default=100)
    args = parser.parse_args(argv)
    rates = [float(rate) for rate in args.rates.split(",") if rate.strip()]

    import httpx
    import uvicorn

    from hostcity.api.app import create_app
    from hostcity.brain.twin.sensor_feed import parse_broker_url
    from hostcity.brain.twin.setup import SERVICE
    from hostcity.core.auth import Role, create_user
    from hostcity.core.db import session_scope
    from hostcity.core.platform import open_platform
    from hostcity.core.settings import load_settings

    broker = parse_broker_url(args.broker)
    topic = f"hostcity-bench/{uuid.uuid4().hex[:8]}"
    rows: list[dict[str, Any]] = []
    with TemporaryDirectory() as folder:
        settings = load_settings(
            data_dir=Path(folder),
            secret_key="bench-secret-key-0123456789abcdef",
            brain={
                "twin_enabled": False,
                "mqtt_url": args.broker,
                "mqtt_topic": f"{topic}/#",
                "mqtt_client_id": topic,
            },
        )
        platform = open_platform(settings)
        service = platform.service(SERVICE)
        with session_scope(platform.session_factory) as session:
            token = create_user(session, name="bench", role=Role.OPERATOR).token
        server = uvicorn.Server(
            uvicorn.Config(
                create_app(settings, platform=platform),
                host="127.0.0.1",
                port=_free_port(),
                log_level="warning",
            )
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        _wait(lambda: server.started, 60, "the server started")
        feed = service.feeds[0]
        _wait(lambda: feed.status.state == "connected", 30, "the feed connected")
        time.sleep(0.3)
        offset = 0

        def record(case: str, started: float, sent_at: float, stored: int, last_at: float) -> None:
            wall_s = last_at - started
            rows.append(
                {
                    "case": case,
                    "readings": args.readings,
                    "stored": stored,
                    "lost": args.readings - stored,
                    "wall_s": round(wall_s, 3),
                    "lag_s": round(max(last_at - sent_at, 0.0), 3),
                    "readings_per_s": round(stored / wall_s, 1),
                }
            )

        spawn = multiprocessing.get_context("spawn")
        for rate in rates:
            before = _count(platform)
            ready, go, done = spawn.Event(), spawn.Event(), spawn.Event()
            sensors = Sensors(args.broker, topic, args.readings, args.detectors, offset, rate)
            process = spawn.Process(target=_publish, args=(sensors, ready, go, done))
            process.start()
            _wait(ready.is_set, 60, "the sensors connected")
            started = time.monotonic()
            go.set()
            done.wait(600)
            sent_at = time.monotonic()
            stored, last_at = _until_stored(platform, before + args.readings)
            process.join(60)
            record(f"mqtt@{rate:g}", started, sent_at, stored - before, last_at)
            offset += args.readings

        with httpx.Client(
            base_url=f"http://127.0.0.1:{server.config.port}",
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        ) as http:
            for case, size in (("http-1", 1), ("http-100", 100)):
                before = _count(platform)
                items = _readings(args.readings, args.detectors, offset)
                offset += args.readings
                started = time.monotonic()
                for start in range(0, len(items), size):
                    chunk = items[start : start + size]
                    http.post("/api/brain/observations", json=chunk).raise_for_status()
                sent_at = time.monotonic()
                stored, last_at = _until_stored(platform, before + args.readings)
                record(case, started, sent_at, stored - before, last_at)
        server.should_exit = True
        thread.join(timeout=10)
        platform.close()

    baseline = next(r for r in rows if r["case"] == "http-1")["readings_per_s"]
    for row in rows:
        row["vs_http_1"] = round(row["readings_per_s"] / baseline, 2)
    header = ("case", "readings", "lost", "wall s", "lag s", "readings/s", "vs http-1")
    print("{:<12} {:>8} {:>6} {:>8} {:>7} {:>11} {:>10}".format(*header))
    for row in rows:
        print(
            f"{row['case']:<12} {row['readings']:>8} {row['lost']:>6} {row['wall_s']:>8.2f} "
            f"{row['lag_s']:>7.2f} {row['readings_per_s']:>11.1f} {row['vs_http_1']:>9.2f}x"
        )
    print(json.dumps({"sensor_ingest": rows, "baseline": "http-1", "broker": broker.display}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
