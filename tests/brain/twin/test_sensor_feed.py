"""The MQTT feed's pure part: broker URLs, topic filters, and the buffer of readings."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from hostcity.brain.twin.sensor_feed import (
    MAX_MESSAGE_BYTES,
    SensorFeedBuffer,
    check_topic_filter,
    decode_message,
    parse_broker_url,
    subscription,
)
from hostcity.core.errors import ConfigError, InputError
from tests.brain.twin.entities import entity

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def message(*entities: dict[str, object]) -> bytes:
    return json.dumps(list(entities) if len(entities) != 1 else entities[0]).encode()


def minute(detector: str, m: int) -> dict[str, object]:
    return entity(
        detector,
        dateObservedFrom=f"2026-02-10T08:{m:02d}:00Z",
        dateObservedTo=f"2026-02-10T08:{m + 1:02d}:00Z",
    )


@pytest.mark.parametrize(
    ("url", "read"),
    [
        ("mqtt://broker.city", ("broker.city", 1883, False, None, None)),
        ("mqtts://broker.city", ("broker.city", 8883, True, None, None)),
        ("mqtt://10.0.0.5:1884/", ("10.0.0.5", 1884, False, None, None)),
        ("mqtts://gw%40ops:p%3Ass@b:9000", ("b", 9000, True, "gw@ops", "p:ss")),
    ],
)
def test_broker_urls_are_read(url: str, read: tuple[object, ...]) -> None:
    a = parse_broker_url(url)
    assert (a.host, a.port, a.tls, a.username, a.password) == read


def test_the_displayed_address_never_holds_the_password() -> None:
    address = parse_broker_url("mqtts://gateway:s3cret@broker.city")
    assert address.display == "mqtts://gateway@broker.city:8883"
    assert "s3cret" not in address.display


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://broker.city", "must start with mqtt:// or mqtts://, not http://"),
        ("broker.city:1883", "must start with mqtt://"),
        ("mqtt://", "names no host"),
        ("mqtt://broker:port", "malformed"),
        ("mqtt://broker:99999", "malformed"),
        ("mqtt://broker/topic", "must not have a path"),
    ],
)
def test_bad_broker_urls_are_named(url: str, says: str) -> None:
    with pytest.raises(ConfigError, match=says) as caught:
        parse_broker_url(url)
    assert "HOSTCITY_BRAIN__MQTT_URL" in str(caught.value)


def test_a_password_in_a_bad_url_is_not_repeated() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_broker_url("http://user:s3cret@broker")
    assert "s3cret" not in str(caught.value)


@pytest.mark.parametrize("topic", ["hostcity/traffic/#", "#", "city/+/loops", "a/b", "+/+"])
def test_good_topic_filters_pass(topic: str) -> None:
    assert check_topic_filter(topic) == topic


@pytest.mark.parametrize(
    ("topic", "says"),
    [
        ("", "empty"),
        ("a/#/b", "'#' must be a whole level and the last one"),
        ("a/b#", "'#' must be a whole level"),
        ("a/b+/c", "'\\+' must be a whole level"),
        ("$share/g/a/#", "without \\$share/"),
    ],
)
def test_bad_topic_filters_are_named(topic: str, says: str) -> None:
    with pytest.raises(ConfigError, match=says):
        check_topic_filter(topic)


def test_a_group_makes_a_shared_subscription() -> None:
    assert subscription("hostcity/traffic/#", "hostcity") == "$share/hostcity/hostcity/traffic/#"
    assert subscription("hostcity/traffic/#", None) == "hostcity/traffic/#"


def test_one_entity_or_an_array_per_message() -> None:
    assert [o.detector_id for o in decode_message(message(entity("a")))] == ["a"]
    both = decode_message(message(entity("a"), entity("b")))
    assert [o.source for o in both] == ["mqtt", "mqtt"]


@pytest.mark.parametrize(
    ("payload", "says"),
    [
        (b"\xff\xfe\x00", "not UTF-8"),
        (b"{not json", "is not JSON .*line 1 column 2"),
        (b"[]", "the batch is empty"),
        (b"42", "must be a JSON array"),
        (message(entity("a", intensity=-3)), r"entity \[0\] urn:ngsi-ld:TrafficFlowObserved:a"),
        (b" " * (MAX_MESSAGE_BYTES + 1), "more than 1,000,000"),
    ],
)
def test_bad_messages_are_named(payload: bytes, says: str) -> None:
    with pytest.raises(InputError, match=says):
        decode_message(payload)


def test_each_message_stands_alone() -> None:
    buffer = SensorFeedBuffer(broker="mqtt://b:1883", topic="t/#")
    assert buffer.accept("t/gw1", message(minute("a", 0), minute("a", 1)), NOW) == 2
    assert buffer.accept("t/gw2", b"{oops", NOW) == 0
    assert buffer.accept("t/gw3", message(minute("b", 0)), NOW) == 1
    status = buffer.status
    assert (status.messages, status.rejected, status.pending) == (3, 1, 3)
    assert status.problem is not None and status.problem.startswith(
        "message on 't/gw2': is not JSON"
    )
    assert status.problem_at == NOW and status.last_message_at == NOW
    taken = buffer.take(10)
    assert [(o.detector_id, o.observed_from.minute) for o in taken] == [
        ("a", 0),
        ("a", 1),
        ("b", 0),
    ]
    assert buffer.take(10) == []


def test_a_redelivered_reading_is_dropped() -> None:
    buffer = SensorFeedBuffer(broker="b", topic="t", remembered=2)
    buffer.accept("t", message(minute("a", 0)), NOW)
    assert buffer.accept("t", message(minute("a", 0), minute("a", 1)), NOW) == 1
    assert buffer.status.duplicates == 1
    buffer.accept("t", message(minute("a", 2)), NOW)  # (a, 0) is forgotten: 2 remembered
    assert buffer.accept("t", message(minute("a", 0)), NOW) == 1


def test_readings_the_database_refused_wait_in_front() -> None:
    buffer = SensorFeedBuffer(broker="b", topic="t")
    buffer.accept("t", message(minute("a", 0), minute("a", 1)), NOW)
    first = buffer.take(1)
    buffer.accept("t", message(minute("a", 2)), NOW)
    buffer.put_back(first, "the database refused a write: disk full", NOW)
    assert [o.observed_from.minute for o in buffer.take(10)] == [0, 1, 2]
    assert buffer.status.problem == "storing readings: the database refused a write: disk full"


def test_held_readings_are_bounded_and_what_is_given_up_is_counted() -> None:
    buffer = SensorFeedBuffer(broker="b", topic="t", max_pending=3)
    buffer.accept("t", message(*(minute("a", m) for m in range(5))), NOW)
    assert buffer.status.pending == 3 and buffer.status.given_up == 2
    assert [o.observed_from.minute for o in buffer.take(10)] == [2, 3, 4]  # the newest kept
    buffer.give_up(4, "value too long", NOW)
    assert buffer.status.given_up == 6
    assert buffer.status.problem == "gave up 4 readings: value too long"


def test_the_status_reads_as_json() -> None:
    buffer = SensorFeedBuffer(broker="mqtt://b:1883", topic="$share/g/t/#")
    buffer.set_state("disconnected", NOW, "cannot reach the broker")
    buffer.stored(7)
    body = buffer.status.to_dict()
    assert body["state"] == "disconnected" and body["since"] == NOW.isoformat()
    assert body["stored"] == 7 and body["kind"] == "mqtt" and body["last_message_at"] is None
    assert json.loads(json.dumps(body)) == body


def test_received_messages_are_checked_when_taken() -> None:
    buffer = SensorFeedBuffer(broker="b", topic="t")
    buffer.receive("t/gw", message(minute("a", 0)), NOW)
    buffer.receive("t/gw", b"{oops", NOW)
    assert buffer.status.pending == 2 and buffer.status.messages == 0  # not checked yet
    assert [o.detector_id for o in buffer.take(10)] == ["a"]
    assert (buffer.status.messages, buffer.status.rejected, buffer.status.pending) == (2, 1, 0)


def test_received_messages_are_bounded_too() -> None:
    buffer = SensorFeedBuffer(broker="b", topic="t", max_pending=2)
    for m in range(3):
        buffer.receive("t", message(minute("a", m)), NOW)
    assert buffer.status.given_up == 1
    assert [o.observed_from.minute for o in buffer.take(10)] == [1, 2]
