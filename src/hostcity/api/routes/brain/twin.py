"""Routes of the twin feature: observation ingestion, detectors, network, live state, stream.

Sensors post with an operator token: a city registers each sensor gateway as an operator-role
device, since observations change what the operations centre sees.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request
from fastapi.responses import StreamingResponse

from hostcity.api.deps import AnyUser, Operator, PlatformDep
from hostcity.api.inputs import InputModel
from hostcity.brain.twin.service import TwinService
from hostcity.brain.twin.setup import SERVICE
from hostcity.core.platform import Platform

router = APIRouter(tags=["brain: twin"])

KEEPALIVE_S = 10.0
POLL_S = 0.2
STREAM_MAX_S = 20.0
"""Each stream ends after this long and the page reconnects at once (getting the latest state
again): uvicorn waits for open streams before it shuts down, so none may be endless."""


def _service(platform: Platform) -> TwinService:
    service: TwinService = platform.service(SERVICE)
    return service


class ControllerChoice(InputModel):
    """The controller a junction should run."""

    controller: str


@router.post("/observations", status_code=201)
def post_observations(
    _caller: Operator,
    platform: PlatformDep,
    batch: Annotated[Any, Body(description="a JSON array of NGSI-LD TrafficFlowObserved")],
) -> dict[str, Any]:
    """Store a batch of ``TrafficFlowObserved`` entities; a bad entity rejects the whole batch."""
    return _service(platform).ingest(batch, source="api").to_dict()


@router.get("/observations")
def get_observations(
    _caller: AnyUser,
    platform: PlatformDep,
    detector: Annotated[str | None, Query(description="one detector id")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> dict[str, Any]:
    """The newest observations first, of one detector or of all."""
    found = _service(platform).recent(detector_id=detector, limit=limit)
    return {"observations": [o.to_dict() for o in found]}


@router.get("/feeds")
def get_feeds(_caller: Operator, platform: PlatformDep) -> dict[str, Any]:
    """The sensor feeds from brokers (``brain.mqtt_url``): connection state and counters of
    messages, stored readings, refused messages and the last problem (operators only)."""
    return {"feeds": [feed.status.to_dict() for feed in _service(platform).feeds]}


@router.get("/detectors")
def get_detectors(_caller: AnyUser, platform: PlatformDep) -> dict[str, Any]:
    """The twin's loops and every sensor that reported, with its latest observation."""
    return {"detectors": _service(platform).detector_list()}


@router.get("/twin/status")
def get_twin_status(_caller: AnyUser, platform: PlatformDep) -> dict[str, Any]:
    """How the twin is doing: 'running', 'restarting: <reason>', 'disabled', ..."""
    return _service(platform).twin_status()


@router.get("/twin/network")
def get_network(_caller: AnyUser, platform: PlatformDep) -> dict[str, Any]:
    """Edges as x/y polylines in metres and junctions with their traffic-light ids."""
    return _service(platform).require_network().to_dict()


@router.get("/twin/live")
def get_live(_caller: AnyUser, platform: PlatformDep) -> dict[str, Any]:
    """Speed per edge, signal state per traffic light, KPIs and controllers, now."""
    return _service(platform).live_state()


@router.get("/twin/junctions")
def get_junctions(_caller: AnyUser, platform: PlatformDep) -> dict[str, Any]:
    """Every traffic light with its controller, and the controllers to choose from."""
    service = _service(platform)
    return {
        "junctions": service.junctions(),
        "controllers": service.available_controllers(),
    }


@router.put("/twin/junctions/{tls_id}/controller")
def put_controller(
    tls_id: str, choice: ControllerChoice, _caller: Operator, platform: PlatformDep
) -> dict[str, Any]:
    """Switch one junction's signal controller (operators only)."""
    return _service(platform).set_controller(tls_id, choice.controller)


@router.get("/stream")
async def stream(
    request: Request,
    _caller: AnyUser,
    platform: PlatformDep,
    max_events: Annotated[int | None, Query(ge=1, description="end after this many")] = None,
) -> StreamingResponse:
    """Server-Sent Events: 'status', 'state' and 'observations' as they happen."""
    hub = _service(platform).hub

    async def events() -> AsyncIterator[str]:
        subscription = hub.subscribe(replay=("status", "state"))
        sent, quiet_s = 0, 0.0
        deadline = asyncio.get_running_loop().time() + STREAM_MAX_S
        try:
            while max_events is None or sent < max_events:
                if asyncio.get_running_loop().time() > deadline:
                    break
                event = subscription.get(0)
                if event is None:
                    if await request.is_disconnected():
                        break
                    await asyncio.sleep(POLL_S)
                    quiet_s += POLL_S
                    if quiet_s >= KEEPALIVE_S:
                        quiet_s = 0.0
                        yield ": keepalive\n\n"
                    continue
                quiet_s = 0.0
                sent += 1
                yield f"id: {event.seq}\nevent: {event.kind}\ndata: {json.dumps(event.data)}\n\n"
        finally:
            subscription.close()

    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(events(), media_type="text/event-stream", headers=headers)
