"""Model bundles on disk: ``<data_dir>/models/forecast/<version>/`` with metadata.json."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np

from hostcity.brain.forecast.backtest import Forecaster
from hostcity.brain.forecast.baselines import HistoricalAverage, LastValue, Ridge
from hostcity.brain.forecast.bundle import ModelBundle
from hostcity.brain.forecast.graph import adjacency, transitions
from hostcity.brain.forecast.protocol import Scaler
from hostcity.brain.forecast.types import SensorGraph
from hostcity.core.errors import StorageError
from hostcity.core.settings import Settings

METADATA = "metadata.json"
ARRAYS = "arrays.npz"
WEIGHTS = "learned.pt"


def models_dir(settings: Settings) -> Path:
    """Where forecast model bundles live."""
    return settings.data_dir / "models" / "forecast"


def save(root: Path, bundle: ModelBundle) -> Path:
    """Write ``bundle`` under ``root``/<version>, atomically (a half-written one is never read).

    Raises:
        StorageError: when the disk refuses the write.
    """
    final = root / bundle.version
    partial = root / f".{bundle.version}.partial"
    try:
        partial.mkdir(parents=True, exist_ok=False)
        arrays: dict[str, Any] = {
            "graph_sources": np.asarray(bundle.graph.sources, dtype=np.int64),
            "graph_targets": np.asarray(bundle.graph.targets, dtype=np.int64),
            "graph_distances": np.asarray(bundle.graph.distances_m),
            "tail": bundle.tail,
            "congestion_speed": bundle.congestion_speed,
            "congestion_flow": bundle.congestion_flow,
        }
        for name, band in bundle.bands.items():
            arrays[f"band_{name}"] = band
        for name, model in bundle.forecasters.items():
            if isinstance(model, Ridge):
                arrays["ridge_weights"] = model.weights
                arrays["scaler_mean"], arrays["scaler_std"] = model.scaler.mean, model.scaler.std
            elif isinstance(model, HistoricalAverage):
                arrays["ha_table"] = model.table
                arrays["ha_weekly"] = np.asarray(model.weekly)
            elif name != LastValue.name:
                import torch

                torch.save(model.state(), partial / WEIGHTS)  # type: ignore[attr-defined]
        np.savez(partial / ARRAYS, **arrays)
        (partial / METADATA).write_text(json.dumps(bundle.metadata, indent=2))
        partial.rename(final)
    except OSError as exc:
        shutil.rmtree(partial, ignore_errors=True)
        raise StorageError(
            f"cannot write the model to {final}: {exc.strerror or exc}",
            hint="free disk space or fix the permissions of the data directory",
        ) from exc
    return final


def versions(root: Path) -> list[str]:
    """Saved versions, newest first."""
    if not root.is_dir():
        return []
    found = [p.name for p in root.iterdir() if p.is_dir() and (p / METADATA).is_file()]
    return sorted(found, reverse=True)


def read_metadata(root: Path, version: str) -> dict[str, Any]:
    """The metadata of one saved version."""
    data: dict[str, Any] = json.loads((root / version / METADATA).read_text())
    return data


def load(root: Path, version: str) -> ModelBundle:
    """Rebuild the bundle saved as ``version``.

    Raises:
        StorageError: when its files are missing or unreadable.
    """
    folder = root / version
    try:
        metadata = read_metadata(root, version)
        with np.load(folder / ARRAYS, allow_pickle=False) as stored:
            arrays = {k: stored[k] for k in stored.files}
    except (OSError, ValueError, KeyError) as exc:
        raise StorageError(
            f"cannot read forecast model {version} in {root}: {exc}",
            hint="delete the folder and train again with 'hostcity brain forecast train'",
        ) from exc
    graph = SensorGraph(
        tuple(int(v) for v in arrays["graph_sources"]),
        tuple(int(v) for v in arrays["graph_targets"]),
        tuple(float(v) for v in arrays["graph_distances"]),
    )
    targets = tuple(int(t) for t in metadata["targets"])
    scaler = Scaler(arrays["scaler_mean"], arrays["scaler_std"])
    forecasters: dict[str, Forecaster] = {LastValue.name: LastValue(targets)}
    forecasters[Ridge.name] = Ridge(arrays["ridge_weights"], scaler, targets)
    if "ha_table" in arrays:
        forecasters[HistoricalAverage.name] = HistoricalAverage(
            arrays["ha_table"], bool(arrays["ha_weekly"])
        )
    if (folder / WEIGHTS).is_file():
        import torch

        from hostcity.brain.forecast import learned

        state = torch.load(folder / WEIGHTS, weights_only=True)
        mats = list(transitions(adjacency(graph, len(metadata["sensor_ids"]))))
        model = learned.load(state, scaler, targets, mats, len(metadata["feature_names"]))
        forecasters[model.name] = model
    bands = {k.removeprefix("band_"): v for k, v in arrays.items() if k.startswith("band_")}
    return ModelBundle(
        version=version,
        metadata=metadata,
        forecasters=forecasters,
        bands=bands,
        graph=graph,
        tail=arrays["tail"],
        congestion_speed=arrays["congestion_speed"],
        congestion_flow=arrays["congestion_flow"],
    )
