"""Training as a job: load data, run the backtest protocol, save the bundle with its metrics."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from hostcity.brain.forecast import bundle as bundle_mod
from hostcity.brain.forecast.adapters import files, model_store
from hostcity.brain.forecast.backtest import BacktestResult, prepare, run_backtest
from hostcity.brain.forecast.errors import ForecastDataError
from hostcity.brain.forecast.types import SensorGraph, Series
from hostcity.core.errors import InputError
from hostcity.core.jobs import JobContext
from hostcity.core.timeutil import parse_iso, utcnow

JOB_KIND = "brain.forecast_train"
DEFAULT_START = "2016-07-01T00:00:00+00:00"
"""Start of the PEMS08 recording, used when a benchmark file does not say when it starts."""

ProgressFn = Callable[[float, str], None]


@dataclass(frozen=True)
class TrainRequest:
    """What to train on and how long to train.

    Attributes:
        data: Path of a benchmark .npz (T, N, F); None to train on the observation store.
        graph: Path of a from,to,distance CSV; None with the store to join nearest detectors.
            With the store, links to detectors without readings are left out.
        store_days: With the store, how many of the newest days to use (all when None).
        store_source: With the store, only observations of this source (e.g. 'history').
        start: ISO time of the first step.
        max_epochs: Upper bound on learned-model epochs.
        max_seconds: Upper bound on learned-model training time.
        threads: CPU threads for PyTorch.
        learned: False to fit the baselines only.
    """

    data: str | None = None
    graph: str | None = None
    start: str = DEFAULT_START
    store_days: float | None = None
    store_source: str | None = None
    max_epochs: int | None = None
    max_seconds: float | None = None
    threads: int | None = None
    learned: bool = True

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> TrainRequest:
        """Read job parameters.

        Raises:
            InputError: when ``data`` is given without ``graph``.
        """
        if params.get("data") and not params.get("graph"):
            raise InputError(
                "a benchmark .npz needs its sensor graph",
                hint="hostcity brain forecast train --data DATA.npz --graph GRAPH.csv",
            )
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in params.items() if k in known and v is not None})

    def on_city_graph(self, city_graph: Path | None) -> TrainRequest:
        """This request, on the city's sensor graph (``brain.sensor_graph``) when it trains on
        the store without a graph of its own."""
        if self.data or self.graph or city_graph is None:
            return self
        return replace(self, graph=str(city_graph.resolve()))

    def to_params(self) -> dict[str, Any]:
        """JSON job parameters."""
        return {k: v for k, v in self.__dict__.items() if v is not None}


def load_benchmark(
    data: Path, graph: Path, start: str = DEFAULT_START
) -> tuple[Series, SensorGraph]:
    """Load and check an .npz and its graph; raises before any training on bad input.

    Raises:
        ForecastDataError: for a wrong shape, unknown sensors or too little history.
    """
    try:
        first = parse_iso(start)
    except ValueError:
        raise ForecastDataError(
            f"cannot read start time {start!r}", hint="use ISO-8601, e.g. 2016-07-01T00:00:00Z"
        ) from None
    series = files.load_npz(data, start=first)
    sensor_graph = files.load_graph_csv(graph, series.sensor_ids)
    prepare(series, sensor_graph)  # too little history fails here, before any model is fitted
    return series, sensor_graph


def load_store(
    session_factory: sessionmaker[Session],
    graph: str | None,
    days: float | None,
    source: str | None = None,
) -> tuple[Series, SensorGraph]:
    """The observation store's history (of one source when given) and a graph (from a CSV,
    or nearest detectors).

    Raises:
        ForecastDataError: for an empty store, unknown sensors or too little history.
    """
    from hostcity.brain.forecast.adapters import twin_store

    history = twin_store.StoreHistory(session_factory, source=source)
    series = twin_store.series_from_store(history, days=days)
    if graph:
        sensor_graph = files.load_graph_csv(Path(graph), series.sensor_ids, skip_unknown=True)
    else:
        sensor_graph = twin_store.graph_from_locations(history, series.sensor_ids)
    prepare(series, sensor_graph)
    return series, sensor_graph


def load_request(
    request: TrainRequest, session_factory: sessionmaker[Session] | None
) -> tuple[Series, SensorGraph]:
    """The series and graph a request names: benchmark files, or the observation store."""
    if request.data and request.graph:
        return load_benchmark(Path(request.data), Path(request.graph), request.start)
    if session_factory is None:
        raise InputError("training on the store needs a database", hint="pass --data and --graph")
    return load_store(session_factory, request.graph, request.store_days, request.store_source)


def backtest(
    request: TrainRequest,
    progress: ProgressFn | None = None,
    session_factory: sessionmaker[Session] | None = None,
) -> BacktestResult:
    """Run the standard backtest on the request's data."""
    from hostcity.brain.forecast.learned import TrainConfig

    series, sensor_graph = load_request(request, session_factory)
    overrides: dict[str, Any] = {}
    if request.max_epochs is not None:
        overrides["max_epochs"] = request.max_epochs
    if request.max_seconds is not None:
        overrides["max_seconds"] = request.max_seconds
    if request.threads is not None:
        overrides["threads"] = request.threads
    config = TrainConfig(**overrides) if request.learned else None
    return run_backtest(
        prepare(series, sensor_graph), config=config, learned=request.learned, progress=progress
    )


def train_and_save(
    request: TrainRequest,
    models_root: Path,
    progress: ProgressFn | None = None,
    session_factory: sessionmaker[Session] | None = None,
) -> dict[str, Any]:
    """Backtest every model, save the bundle, and return its metadata."""
    result = backtest(request, progress, session_factory)
    created = utcnow()
    version = _version(created)
    source = str(Path(request.data).resolve()) if request.data else store_label(request)
    saved = bundle_mod.from_backtest(result, version=version, created_at=created, source=source)
    path = model_store.save(models_root, saved)
    return {**saved.metadata, "path": str(path)}


def train_job(ctx: JobContext, params: Mapping[str, Any]) -> dict[str, Any]:
    """Job ``brain.forecast_train``: train on the given files and save the model."""
    request = TrainRequest.from_params(params)
    root = model_store.models_dir(ctx.settings)
    return train_and_save(request, root, ctx.progress, ctx.session_factory)


def store_label(request: TrainRequest) -> str:
    """How a model's metadata names the store data it was trained on."""
    if request.store_source:
        return f"observation store ({request.store_source})"
    return "observation store"


def _version(created: datetime) -> str:
    return created.strftime("%Y%m%dT%H%M%S%fZ")
