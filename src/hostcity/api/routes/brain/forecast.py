"""Routes of the forecast feature: live forecasts per detector and the models behind them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from hostcity.api.deps import AnyUser, Operator, PlatformDep
from hostcity.api.inputs import InputModel
from hostcity.brain.forecast.service import ForecastService
from hostcity.brain.forecast.setup import SERVICE

router = APIRouter(tags=["brain: forecast"])


class TrainBody(InputModel):
    """Files to train on (paths on the server) and an optional budget."""

    data: str | None = None
    graph: str | None = None
    store_days: float | None = None
    start: str | None = None
    max_epochs: int | None = None
    max_seconds: float | None = None
    threads: int | None = None


def _service(platform: PlatformDep) -> ForecastService:
    service: ForecastService = platform.service(SERVICE)
    return service


@router.get("/forecasts")
def get_forecasts(
    platform: PlatformDep,
    _user: AnyUser,
    detector: str | None = Query(None, description="detector id; omit for every detector"),
) -> dict[str, Any]:
    """The next 12 five-minute steps of flow (and speed) with an uncertainty band.

    Without ``detector``: every detector id and where congestion is expected or possible
    this hour (``likelihood``). With it: ``congestion_in_min`` when the forecast crosses the
    detector's threshold, ``congestion_possible_in_min`` when only its band's edge does.
    """
    service = _service(platform)
    if detector is None:
        return service.overview()
    return service.forecast(detector)


@router.get("/forecasts/congestion")
def get_congestion(
    platform: PlatformDep,
    _user: AnyUser,
    detector: str | None = Query(None, description="one detector id; omit for every detector"),
) -> dict[str, Any]:
    """Where congestion is expected or possible within the hour, placed on the live map:
    expected first, each soonest first.

    Each entry: detector, edge, lane, x/y (network metres, as the map draws) or lon/lat,
    minutes_ahead, severity, ``likelihood`` ('expected': the forecast crosses the detector's
    threshold; 'possible': only the congested edge of its 10-90% band does, nominally one chance
    in ten), and the value with its unit and threshold.
    """
    from hostcity.brain.forecast.congestion import detector_places
    from hostcity.brain.twin.service import TwinService
    from hostcity.brain.twin.setup import SERVICE as TWIN_SERVICE

    twin: TwinService = platform.service(TWIN_SERVICE)
    places = detector_places(twin.network, twin.detectors)
    return _service(platform).congestion(places, detector=detector)


@router.get("/forecasts/models")
def get_models(platform: PlatformDep, _user: Operator) -> dict[str, Any]:
    """Saved model bundles, newest first, with the one in use."""
    from hostcity.brain.forecast.adapters import model_store

    service = _service(platform)
    found = model_store.versions(service.models_root)
    return {
        "in_use": service.select_version(),
        "models": [model_store.read_metadata(service.models_root, v) for v in found],
    }


@router.post("/forecasts/train", status_code=202)
def post_train(body: TrainBody, platform: PlatformDep, user: Operator) -> dict[str, str]:
    """Queue a training job on benchmark files or the store; follow it at /api/jobs/{id}."""
    from hostcity.brain.forecast.training import JOB_KIND, TrainRequest, load_request

    request = TrainRequest.from_params(body.model_dump(exclude_none=True))
    request = request.on_city_graph(platform.settings.brain.sensor_graph)
    load_request(request, platform.session_factory)  # bad input fails now, not in the job
    job_id = platform.jobs.submit(JOB_KIND, request.to_params(), owner_id=user.user_id)
    return {"job_id": job_id}
