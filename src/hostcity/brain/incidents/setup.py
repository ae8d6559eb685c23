"""Registers incident detection on the platform: the service and its webhook sender."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hostcity.brain.incidents.adapters.delivery import WebhookDispatcher
from hostcity.brain.incidents.exercise import ExerciseBook
from hostcity.brain.incidents.service import IncidentService
from hostcity.brain.twin.sensor_feed import check_publish_topic

if TYPE_CHECKING:
    from hostcity.brain.incidents.types import DetectorNode
    from hostcity.core.platform import Platform

SERVICE = "brain.incidents"
TWIN_SERVICE = "brain.twin"
"""The twin's service, whose published observations the live detection reads."""


def register(platform: Platform) -> None:
    """Add the incident service, its webhook sender and live detection (on the twin's loops
    and on every sensor reading stored from elsewhere)."""
    dispatcher = WebhookDispatcher()
    service = IncidentService(platform.session_factory, dispatcher)
    platform.services[SERVICE] = service
    platform.workers.append(dispatcher)
    platform.workers.append(StaleExercises(service.exercises))
    platform.demo_seeders.append(_demo_lines)
    twin = platform.services.get(TWIN_SERVICE)
    alert_topic = platform.settings.brain.mqtt_alert_topic
    if twin is not None and twin.broker is not None and alert_topic:
        broker = twin.broker
        topic = check_publish_topic(alert_topic.rstrip("/"))
        service.alert_sinks.append(lambda incident, cap: broker.publish(f"{topic}/{incident}", cap))
    if twin is not None:
        from hostcity.brain.incidents.adapters.exercise_hook import ExerciseTwinHook

        twin.run_hooks.append(ExerciseTwinHook(service.exercises))  # plays operators' exercises
        # live detection reads the twin's loops and real sensors' readings (HTTP, MQTT) alike
        from hostcity.brain.incidents.adapters.live_runner import LiveIncidentWorker
        from hostcity.brain.incidents.adapters.sumo_graph import live_graph

        def graph() -> dict[str, DetectorNode]:
            # the twin's network file links its loops as the evaluation does; real sensors
            # are placed as they report, linked by the city's sensor graph
            return live_graph(twin.detectors, twin.net_file)

        worker = LiveIncidentWorker(service, twin.hub.subscribe, graph, links=twin.sensor_links)
        platform.workers.append(worker)


class StaleExercises:
    """Ends, when the server starts, the exercises the run before left on (their stalled
    vehicle went with it). A worker, so that a command-line tool that opens the platform beside
    a running server leaves that server's exercises alone."""

    name = "brain.incidents.stale_exercises"

    def __init__(self, book: ExerciseBook) -> None:
        self.book = book

    def start(self) -> None:
        """End the journal's active exercises."""
        self.book.end_stale()

    def stop(self) -> None:
        """Nothing runs."""


def _demo_lines(_platform: Platform) -> list[str]:
    return [
        "City Brain incidents: list, confirm and dismiss on the Incidents tab, and stall a "
        "vehicle there to exercise detection; CAP 1.2 alerts at "
        "/api/brain/incidents/{id}/cap.xml; measure with 'hostcity brain incidents-eval demo'"
    ]
