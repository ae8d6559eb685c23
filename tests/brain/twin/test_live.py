"""The publish/subscribe hub behind the live stream."""

from __future__ import annotations

import threading

from hostcity.brain.twin.live import LiveHub


def test_every_subscriber_gets_each_event_in_order() -> None:
    hub = LiveHub()
    first, second = hub.subscribe(), hub.subscribe()
    hub.publish("state", {"n": 1})
    hub.publish("observations", {"n": 2})
    for sub in (first, second):
        got = [sub.get(0), sub.get(0), sub.get(0)]
        assert [(e.kind, e.data["n"]) if e else None for e in got] == [
            ("state", 1),
            ("observations", 2),
            None,
        ]


def test_new_subscriber_replays_the_latest_of_chosen_kinds() -> None:
    hub = LiveHub()
    hub.publish("state", {"n": 1})
    hub.publish("state", {"n": 2})
    hub.publish("observations", {"n": 3})
    sub = hub.subscribe(replay=("state", "status"))
    event = sub.get(0)
    assert event is not None
    assert event.data == {"n": 2}
    assert sub.get(0) is None


def test_slow_reader_keeps_only_the_newest_events() -> None:
    hub = LiveHub(maxlen=3)
    sub = hub.subscribe()
    for n in range(10):
        hub.publish("state", {"n": n})
    got = [e.data["n"] for e in iter(lambda: sub.get(0), None)]
    assert got == [7, 8, 9]


def test_closed_subscription_stops_receiving() -> None:
    hub = LiveHub()
    sub = hub.subscribe()
    assert hub.subscriber_count == 1
    sub.close()
    sub.close()
    hub.publish("state", {})
    assert hub.subscriber_count == 0
    assert sub.get(0) is None


def test_waiting_reader_wakes_on_publish() -> None:
    hub = LiveHub()
    sub = hub.subscribe()
    timer = threading.Timer(0.05, hub.publish, args=("status", {"ok": True}))
    timer.start()
    event = sub.get(5.0)
    timer.join()
    assert event is not None
    assert event.kind == "status"
