"""When congestion is expected or possible: the first forecast step past a detector's threshold,
and where.

*Expected* means the forecast itself crosses the threshold. *Possible* means only the congested
edge of its uncertainty band does (the speed at the band's low end, else the flow at its high
end: nominally a one in ten chance, as the band is the 10th-90th percentile of validation errors;
the backtest's ``band_coverage`` says how often the band held the truth).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace

import numpy as np

from hostcity.brain.forecast.types import FLOW, MEASURED_ZERO, SPEED, FloatArray
from hostcity.brain.twin.types import DetectorSpec, NetworkGeometry

STEP_MIN = 5
HORIZON_MIN = 60
SEVERE_SPEED_SHARE = 2 / 3
"""Speed under two thirds of the congestion threshold counts as severe."""
SEVERE_FLOW_SHARE = 1.15
"""Flow 15% above the heavy-traffic threshold counts as severe."""
CONGESTED_SPEED_SHARE = 0.6
"""Traffic counts as congested under this share of the detector's free speed."""
BUSY_FLOW_SHARE = 0.5
"""Slow traffic counts as congestion only with at least half the heavy-traffic flow: loops sit
near stop lines, where the few cars of a quiet night are slow too (on two recorded demo days,
this keeps night-time alarms to a few loops while the peaks still show)."""
UNITS = {SPEED: "km/h", FLOW: "veh/5 min"}
EXPECTED = "expected"
POSSIBLE = "possible"


@dataclass(frozen=True)
class Thresholds:
    """Where one detector's traffic counts as congested; 0 means "no threshold".

    Attributes:
        speed_kmh: Congested when the forecast speed falls below this.
        flow_veh: Heavy when the forecast flow (veh per 5 min) rises above this.
        busy_flow_veh: Low speed counts only where the forecast flow reaches this.
    """

    speed_kmh: float = 0.0
    flow_veh: float = 0.0
    busy_flow_veh: float = 0.0

    @classmethod
    def from_history(cls, speed_kmh: float, flow_veh: float) -> Thresholds:
        """Thresholds from a detector's congested speed and heavy flow, with the busy floor."""
        return cls(speed_kmh, flow_veh, BUSY_FLOW_SHARE * flow_veh)


@dataclass(frozen=True)
class Outlook:
    """Congestion expected at one detector within the horizon.

    Attributes:
        minutes_ahead: Minutes from the forecast's issue time to the first congested step.
        severity: 'heavy', or 'severe' when the worst step is far past the threshold.
        feature: The forecast feature that crosses ('speed', or 'flow' without speed).
        expected: Forecast value at the first congested step (for a 'possible' outlook, the
            band's congested edge there).
        worst: Most congested forecast value within the horizon (likewise).
        threshold: The detector's threshold for ``feature``.
        likelihood: 'expected' (the forecast crosses) or 'possible' (only its band's edge does).
    """

    minutes_ahead: int
    severity: str
    feature: str
    expected: float
    worst: float
    threshold: float
    likelihood: str = EXPECTED

    def to_dict(self) -> dict[str, object]:
        """JSON-ready dict with rounded values and the unit."""
        data = asdict(self)
        for key in ("expected", "worst", "threshold"):
            data[key] = round(float(data[key]), 2)
        data["unit"] = UNITS.get(self.feature, "")
        return data


def outlook(
    forecast: FloatArray,
    target_names: Sequence[str],
    thresholds: Thresholds,
    *,
    step_min: int = STEP_MIN,
    horizon_min: int = HORIZON_MIN,
) -> Outlook | None:
    """The first step within ``horizon_min`` where congestion is expected, or None.

    Speed decides when it is forecast and has a threshold (at steps busy enough, when flow is
    forecast too); otherwise flow does.

    Args:
        forecast: One detector's forecast, shape (steps, targets); step ``h`` is
            ``step_min * (h + 1)`` minutes ahead.
        target_names: Name of each target column.
        thresholds: The detector's thresholds.
        step_min: Minutes between forecast steps.
        horizon_min: Only steps this many minutes ahead or fewer count.
    """
    steps = min(forecast.shape[0], horizon_min // step_min)
    if SPEED in target_names and thresholds.speed_kmh > 0:
        series = forecast[:steps, list(target_names).index(SPEED)]
        busy = np.ones(steps, dtype=bool)
        if FLOW in target_names:
            busy = forecast[:steps, list(target_names).index(FLOW)] >= thresholds.busy_flow_veh
        crossed = [h for h in range(steps) if series[h] < thresholds.speed_kmh and busy[h]]
        if not crossed:
            return None
        worst = float(series[crossed].min())
        severe = worst < thresholds.speed_kmh * SEVERE_SPEED_SHARE
        return _found(
            crossed[0],
            series,
            worst=worst,
            severe=severe,
            feature=SPEED,
            threshold=thresholds.speed_kmh,
            step_min=step_min,
        )
    if FLOW in target_names and thresholds.flow_veh > 0:
        series = forecast[:steps, list(target_names).index(FLOW)]
        crossed = [h for h in range(steps) if series[h] > thresholds.flow_veh]
        if not crossed:
            return None
        worst = float(series[crossed].max())
        severe = worst > thresholds.flow_veh * SEVERE_FLOW_SHARE
        return _found(
            crossed[0],
            series,
            worst=worst,
            severe=severe,
            feature=FLOW,
            threshold=thresholds.flow_veh,
            step_min=step_min,
        )
    return None


def congested_edge(
    forecast: FloatArray, band: FloatArray, target_names: Sequence[str]
) -> FloatArray:
    """The forecast moved to the congested edge of its band in the feature that decides:
    speed down to the band's low end where speed is forecast, else flow up to its high end.

    Where speed decides, flow stays as forecast: it only says whether the road is busy enough
    for slow traffic to count, and the high end of a quiet loop's flow band would make every
    quiet night look busy.

    Args:
        forecast: Forecasts (..., targets).
        band: Residual quantiles (truth - forecast) broadcastable to (..., targets, 2): the low
            and the high end.
        target_names: Name of each target column.
    """
    edge = np.array(forecast, dtype=np.float64, copy=True)
    names = list(target_names)
    if SPEED in names:
        k = names.index(SPEED)
        edge[..., k] += np.minimum(band[..., k, 0], 0.0)
    elif FLOW in names:
        k = names.index(FLOW)
        edge[..., k] += np.maximum(band[..., k, 1], 0.0)
    return edge


def outlook_with_band(
    forecast: FloatArray,
    band: FloatArray,
    target_names: Sequence[str],
    thresholds: Thresholds,
) -> Outlook | None:
    """The expected outlook of ``forecast`` (steps, targets), else the possible one of its
    band's congested edge (``band``: (steps, targets, 2)), else None."""
    found = outlook(forecast, target_names, thresholds)
    if found is not None:
        return found
    edge = outlook(congested_edge(forecast, band, target_names), target_names, thresholds)
    return None if edge is None else replace(edge, likelihood=POSSIBLE)


def training_thresholds(values: FloatArray, feature_names: Sequence[str]) -> list[Thresholds]:
    """Each detector's thresholds from its training part (T, N, F): congested under 0.6 of its
    free speed (the 90th percentile measured), heavy above its 95th percentile flow."""
    speed = _quantiles(values, feature_names, SPEED, 0.9) * CONGESTED_SPEED_SHARE
    flow = _quantiles(values, feature_names, FLOW, 0.95)
    return [Thresholds.from_history(float(s), float(f)) for s, f in zip(speed, flow, strict=True)]


def _quantiles(
    values: FloatArray, feature_names: Sequence[str], feature: str, quantile: float
) -> FloatArray:
    """Per detector, the ``quantile`` of its non-zero values; 0 when there are none."""
    out = np.zeros(values.shape[1])
    if feature not in feature_names:
        return out
    column = list(feature_names).index(feature)
    for sensor in range(values.shape[1]):
        measured = values[:, sensor, column]
        measured = measured[measured > MEASURED_ZERO]
        if measured.size:
            out[sensor] = float(np.quantile(measured, quantile))
    return out


def congestion_skill(
    forecast: FloatArray,
    truth: FloatArray,
    target_names: Sequence[str],
    thresholds: Sequence[Thresholds],
    band: FloatArray | None = None,
) -> dict[str, float]:
    """How well forecasts say where congestion comes within the hour, over all windows.

    Args:
        forecast: (windows, steps, N, targets) forecasts.
        truth: What was measured, the same shape; a speed of 0 (no vehicle) is no reading.
        target_names: Name of each target column.
        thresholds: Per detector.
        band: Residual quantiles (steps, N, targets, 2); with it, the flags of the layer that
            also shows possible congestion are scored too.

    Returns:
        ``congestion_flags`` (window-detector pairs flagged), ``congestion_events`` (pairs that
        were congested within the hour), and, where defined, ``congestion_precision`` (flags
        that came true) and ``congestion_recall`` (events flagged beforehand). With ``band``,
        ``congestion_or_possible_flags``, ``_precision`` and ``_recall``, for the flags of
        expected or possible congestion.
    """
    measured = truth.copy()
    if SPEED in target_names:
        speed = measured[..., list(target_names).index(SPEED)]
        speed[speed <= 0] = np.nan
    came = np.zeros(forecast.shape[:1] + forecast.shape[2:3], dtype=bool)  # (windows, N)
    for window, (sensor, limits) in itertools.product(
        range(forecast.shape[0]), enumerate(thresholds)
    ):
        found = outlook(measured[window, :, sensor], target_names, limits)
        came[window, sensor] = found is not None
    skill = _flag_skill("congestion_", forecast, came, target_names, thresholds)
    if band is not None:
        wider = congested_edge(forecast, band[None], target_names)
        wide = _flag_skill("congestion_or_possible_", wider, came, target_names, thresholds)
        del wide["congestion_or_possible_events"]  # the same events
        skill.update(wide)
    return skill


def _flag_skill(
    prefix: str,
    forecast: FloatArray,
    came: np.ndarray,
    target_names: Sequence[str],
    thresholds: Sequence[Thresholds],
) -> dict[str, float]:
    flags = events = hits = 0
    for window, (sensor, limits) in itertools.product(
        range(forecast.shape[0]), enumerate(thresholds)
    ):
        flagged = outlook(forecast[window, :, sensor], target_names, limits) is not None
        event = bool(came[window, sensor])
        flags, events, hits = flags + flagged, events + event, hits + (flagged and event)
    skill = {f"{prefix}flags": float(flags), f"{prefix}events": float(events)}
    if flags:
        skill[f"{prefix}precision"] = round(hits / flags, 4)
    if events:
        skill[f"{prefix}recall"] = round(hits / events, 4)
    return skill


def _found(
    first: int,
    series: FloatArray,
    *,
    worst: float,
    severe: bool,
    feature: str,
    threshold: float,
    step_min: int,
) -> Outlook:
    return Outlook(
        minutes_ahead=step_min * (first + 1),
        severity="severe" if severe else "heavy",
        feature=feature,
        expected=float(series[first]),
        worst=worst,
        threshold=threshold,
    )


@dataclass(frozen=True)
class Place:
    """Where a detector is on the live map (network x/y metres) and on the road."""

    edge: str | None = None
    lane: str | None = None
    x: float | None = None
    y: float | None = None
    lon: float | None = None
    lat: float | None = None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready dict; coordinates rounded to 0.1 m (lon/lat to 1e-6 degrees)."""
        return {
            "edge": self.edge,
            "lane": self.lane,
            "x": None if self.x is None else round(self.x, 1),
            "y": None if self.y is None else round(self.y, 1),
            "lon": None if self.lon is None else round(self.lon, 6),
            "lat": None if self.lat is None else round(self.lat, 6),
        }


def point_along(shape: Sequence[tuple[float, float]], distance_m: float) -> tuple[float, float]:
    """The point ``distance_m`` along a polyline, clamped to its ends."""
    if not shape:
        raise ValueError("a polyline needs at least one point")
    left = max(0.0, distance_m)
    for (x0, y0), (x1, y1) in itertools.pairwise(shape):
        piece = math.dist((x0, y0), (x1, y1))
        if piece > 0 and left <= piece:
            t = left / piece
            return x0 + t * (x1 - x0), y0 + t * (y1 - y0)
        left -= piece
    return shape[-1]


def detector_places(
    network: NetworkGeometry | None, detectors: Iterable[DetectorSpec]
) -> dict[str, Place]:
    """Map places of the twin's loops: on their edge's drawn shape at the loop's position."""
    shapes = {e.edge_id: e.shape for e in network.edges} if network is not None else {}
    places = {}
    for spec in detectors:
        shape = shapes.get(spec.edge_id)
        x, y = point_along(shape, spec.pos_m) if shape else (None, None)
        lon, lat = spec.lon_lat if spec.lon_lat is not None else (None, None)
        places[spec.detector_id] = Place(spec.edge_id, spec.lane_id, x, y, lon, lat)
    return places
