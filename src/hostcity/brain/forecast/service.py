"""The live forecast service: loads the newest model that beats the baselines and forecasts."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np

from hostcity.brain.forecast.adapters import model_store
from hostcity.brain.forecast.bundle import ModelBundle
from hostcity.brain.forecast.congestion import (
    EXPECTED,
    HORIZON_MIN,
    POSSIBLE,
    Outlook,
    Place,
    Thresholds,
    outlook_with_band,
)
from hostcity.brain.forecast.errors import UnknownDetectorError
from hostcity.brain.forecast.history import ObservationHistory, RecentWindow, recent_window
from hostcity.brain.forecast.metrics import band_edges
from hostcity.brain.forecast.protocol import IN_STEPS, OUT_STEPS
from hostcity.brain.forecast.types import SPEED, FloatArray
from hostcity.core.errors import NotFoundError

HISTORY_SHOWN = 36


class ForecastService:
    """Forecasts every detector's next hour with the best saved model.

    Args:
        models_root: Folder of saved model bundles.
        history: Live observations; when None, forecasts start from the training data's end.

    Attributes:
        preparation: Called when no model is saved yet; raises while a job prepares the first
            one (``ForecastPreparingError``, saying how far it is) or when that job failed.
    """

    def __init__(self, models_root: Path, history: ObservationHistory | None = None) -> None:
        self.models_root = models_root
        self.history = history
        self._lock = threading.Lock()
        self._bundle: ModelBundle | None = None
        self.preparation: Callable[[], None] | None = None

    def select_version(self) -> str | None:
        """The newest version whose learned model beats the baselines, else the newest one."""
        found = model_store.versions(self.models_root)
        for version in found:
            if model_store.read_metadata(self.models_root, version).get("beats_baselines"):
                return version
        return found[0] if found else None

    def bundle(self) -> ModelBundle:
        """The bundle in use, reloaded when a better or newer one was saved.

        Raises:
            NotFoundError: when no model was trained yet.
            ForecastPreparingError: while a job prepares the first model.
        """
        version = self.select_version()
        if version is None:
            if self.preparation is not None:
                self.preparation()
            raise NotFoundError(
                "no forecast model has been trained yet",
                hint="run 'hostcity brain forecast train --data DATA.npz --graph GRAPH.csv'",
            )
        with self._lock:
            if self._bundle is None or self._bundle.version != version:
                self._bundle = model_store.load(self.models_root, version)
            return self._bundle

    def model_info(self, bundle: ModelBundle) -> dict[str, Any]:
        """Which model serves forecasts, and why."""
        metrics = {m["name"]: m for m in bundle.metadata["metrics"]["models"]}
        chosen, best = bundle.chosen, bundle.metadata["best_baseline"]
        if bundle.beats_baselines:
            note = f"{chosen} beats the best baseline ({best}) on the backtest"
        else:
            note = f"no saved model beats the baselines; serving the best baseline ({best})"
        return {
            "name": chosen,
            "version": bundle.version,
            "learned": bundle.beats_baselines,
            "beats_baselines": bundle.beats_baselines,
            "note": note,
            "test_mae": metrics.get(chosen, {}).get("mae"),
            # share of test readings its band held (nominally 0.8; None for older models)
            "band_coverage": metrics.get(chosen, {}).get("band_coverage"),
            "data": bundle.metadata["data"],
        }

    def _inputs(self, bundle: ModelBundle) -> tuple[RecentWindow, str]:
        """The newest observations (gaps filled) and their source."""
        steps = max(HISTORY_SHOWN, IN_STEPS)
        if self.history is not None:
            known = set(self.history.detector_ids())
            if known and set(bundle.sensor_ids) <= known:
                window = recent_window(self.history, bundle.sensor_ids, steps, bundle.feature_names)
                return window, "store"
        tail = bundle.tail[-steps:]
        start = bundle.tail_end - timedelta(minutes=5 * (tail.shape[0] - 1))
        every = np.ones(tail.shape[:2], dtype=bool)
        return RecentWindow(start, tail, every), "training data"

    def _predict(self, bundle: ModelBundle) -> tuple[RecentWindow, FloatArray, str]:
        window, source = self._inputs(bundle)
        first_target = window.start + timedelta(minutes=5 * window.values.shape[0])
        seconds = first_target.hour * 3600 + first_target.minute * 60 + first_target.second
        tod = np.array([seconds / 86400])
        dow = np.array([float(first_target.weekday())])
        model = bundle.forecasters[bundle.chosen]
        pred = model.predict(window.values[None, -IN_STEPS:], tod, dow)[0]  # (12, N, targets)
        return window, np.maximum(pred, 0.0), source

    def forecast(self, detector: str) -> dict[str, Any]:
        """History, the next 12 five-minute steps with a band, and when congestion may start.

        Raises:
            UnknownDetectorError: for a detector the model does not know.
            NotFoundError: when no model was trained yet.
        """
        bundle = self.bundle()
        ids = bundle.sensor_ids
        if detector not in ids:
            shown = ", ".join(ids[:5]) + (" ..." if len(ids) > 5 else "")
            raise UnknownDetectorError(
                f"no forecasts for detector {detector!r}", hint=f"known detectors: {shown}"
            )
        col = ids.index(detector)
        window, pred, source = self._predict(bundle)
        band = _band(bundle, col)
        found = _outlook(bundle, window, pred, col)
        names = bundle.target_names
        history = []
        for t in range(window.values.shape[0]):
            row: dict[str, Any] = {"time": (window.start + timedelta(minutes=5 * t)).isoformat()}
            for name in names:
                f = bundle.feature_names.index(name)
                seen = bool(window.observed[t, col])
                row[name] = _reading(name, window.values[t, col, f]) if seen else None
            history.append(row)
        last = window.start + timedelta(minutes=5 * (window.values.shape[0] - 1))
        inputs_observed = _inputs_observed(window, col)
        steps = []
        for h in range(OUT_STEPS):
            step: dict[str, Any] = {
                "time": (last + timedelta(minutes=5 * (h + 1))).isoformat(),
                "minutes_ahead": 5 * (h + 1),
            }
            for k, name in enumerate(names):
                mid = float(pred[h, col, k])
                step[name] = round(mid, 2)
                # the band holds the forecast even where the model leans one way
                low, high = band_edges(np.array(mid), band[h, k, 0], band[h, k, 1])
                step[f"{name}_low"] = round(float(low), 2)
                step[f"{name}_high"] = round(float(high), 2)
            steps.append(step)
        return {
            "detector": detector,
            "model": self.model_info(bundle),
            "source": source,
            "issued_at": last.isoformat(),
            "features": list(names),
            "history": history,
            "inputs_observed": inputs_observed,
            "inputs_needed": IN_STEPS,
            "forecast": steps,
            "congestion_in_min": _minutes_if(found, EXPECTED),
            "congestion_possible_in_min": _minutes_if(found, POSSIBLE),
        }

    def overview(self) -> dict[str, Any]:
        """Every detector, and those where congestion is expected or possible this hour: the
        minutes until then, expected ones first."""
        bundle = self.bundle()
        window, pred, source = self._predict(bundle)
        found = [(d, _outlook(bundle, window, pred, i)) for i, d in enumerate(bundle.sensor_ids)]
        soon = sorted(
            (
                {"detector": d, "congestion_in_min": o.minutes_ahead, "likelihood": o.likelihood}
                for d, o in found
                if o is not None
            ),
            key=_expected_soonest_first("congestion_in_min"),
        )
        return {
            "model": self.model_info(bundle),
            "source": source,
            "detectors": [d for d, _ in found],
            "congestion": soon,
        }

    def congestion(
        self, places: Mapping[str, Place], *, detector: str | None = None
    ) -> dict[str, Any]:
        """Where congestion is expected or possible within the hour, with map places: expected
        first, each soonest first.

        Args:
            places: Map place of each detector the map knows (others get null coordinates).
            detector: Only this detector (its entry is missing when no congestion is expected).

        Raises:
            UnknownDetectorError: for a detector the model does not know.
            NotFoundError: when no model was trained yet.
        """
        bundle = self.bundle()
        ids = bundle.sensor_ids
        if detector is not None and detector not in ids:
            shown = ", ".join(ids[:5]) + (" ..." if len(ids) > 5 else "")
            raise UnknownDetectorError(
                f"no forecasts for detector {detector!r}", hint=f"known detectors: {shown}"
            )
        window, pred, source = self._predict(bundle)
        issued = window.start + timedelta(minutes=5 * (window.values.shape[0] - 1))
        found = []
        for col, name in enumerate(ids):
            if detector is not None and name != detector:
                continue
            here = _outlook(bundle, window, pred, col)
            if here is not None:
                place = places.get(name, Place())
                found.append({"detector": name, **place.to_dict(), **here.to_dict()})
        found.sort(key=_expected_soonest_first("minutes_ahead"))
        return {
            "model": self.model_info(bundle),
            "source": source,
            "issued_at": issued.isoformat(),
            "horizon_min": HORIZON_MIN,
            "detectors": 1 if detector is not None else len(ids),
            "on_map": sum(1 for d in ids if d in places and places[d].x is not None),
            "congestion": found,
        }


def _inputs_observed(window: RecentWindow, col: int) -> int:
    """How many of the model's input steps hold a reading of detector ``col``."""
    return int(window.observed[-IN_STEPS:, col].sum())


def _reading(feature: str, value: float) -> float | None:
    """A measured value as shown; a speed of 0 means no vehicle passed, so there is none."""
    return None if feature == SPEED and value == 0 else round(float(value), 2)


def _minutes_if(found: Outlook | None, likelihood: str) -> int | None:
    """Minutes until congestion of that likelihood, or None."""
    return found.minutes_ahead if found is not None and found.likelihood == likelihood else None


def _expected_soonest_first(minutes_key: str) -> Callable[[Mapping[str, Any]], tuple[Any, ...]]:
    """Sort key of congestion entries: expected before possible, each soonest first."""
    return lambda entry: (entry["likelihood"] != EXPECTED, entry[minutes_key], entry["detector"])


def _band(bundle: ModelBundle, col: int) -> FloatArray:
    """The served model's band at detector ``col``, (12, targets, 2)."""
    band = bundle.bands[bundle.chosen]
    # per detector; bundles saved before 2026-11-27 share one band
    return band[:, col] if band.ndim == 4 else band


def _outlook(
    bundle: ModelBundle, window: RecentWindow, pred: FloatArray, col: int
) -> Outlook | None:
    """Congestion expected (else possible) at detector ``col`` within the hour, from its
    training thresholds; None without a recent reading of it (the forecast has nothing to go
    on)."""
    if not _inputs_observed(window, col):
        return None
    thresholds = Thresholds.from_history(
        float(bundle.congestion_speed[col]), float(bundle.congestion_flow[col])
    )
    return outlook_with_band(pred[:, col, :], _band(bundle, col), bundle.target_names, thresholds)
