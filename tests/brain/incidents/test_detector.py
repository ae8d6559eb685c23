"""The pure detector on synthetic series: incidents found fast, noise ignored, feedback works."""

from __future__ import annotations

import random

import pytest

from hostcity.brain.incidents.detector import DetectorConfig, IncidentDetector
from hostcity.brain.incidents.evaluate import InjectedIncident, score
from hostcity.brain.incidents.graph import PlacedDetector, build_graph
from hostcity.brain.incidents.profile import learn_profiles
from hostcity.brain.incidents.types import Alarm, Sample
from hostcity.core.errors import InputError

INTERVAL_S = 10.0
LANES = ("up_0", "up_1", "a_0", "a_1")


def _graph() -> dict[str, object]:
    placed = [PlacedDetector(f"d-{lane}", lane, lane.split("_")[0]) for lane in LANES]
    links = {"up_0": ["a_0"], "up_1": ["a_1"]}
    return build_graph(placed, links)  # type: ignore[return-value]


def _stream(
    rng: random.Random, steps: int, *, start_s: float = 0.0, rate_veh_per_s: float = 0.3
) -> list[list[Sample]]:
    """Poisson-ish counts on every lane; ``rate`` vehicles per second each."""
    intervals = []
    for step in range(steps):
        end_s = start_s + (step + 1) * INTERVAL_S
        batch = []
        for lane in LANES:
            count = sum(1 for _ in range(30) if rng.random() < rate_veh_per_s * INTERVAL_S / 30)
            batch.append(Sample(f"d-{lane}", end_s, INTERVAL_S, float(count), 0.1 * count, 12.0))
        intervals.append(batch)
    return intervals


def _detector(seed: int, **config: float) -> tuple[IncidentDetector, random.Random]:
    rng = random.Random(seed)
    history = [s for batch in _stream(rng, 360) for s in batch]
    graph = _graph()
    detector = IncidentDetector(graph, learn_profiles(history), DetectorConfig(**config))  # type: ignore[arg-type]
    return detector, rng


def _block(batch: list[Sample], lane: str, *, stalled: bool) -> list[Sample]:
    """The lane's loop sees nobody pass; with ``stalled`` a vehicle stands on it."""
    return [
        Sample(s.detector_id, s.end_s, s.interval_s, 0.0, 1.0 if stalled else 0.0, None)
        if s.detector_id == f"d-{lane}"
        else s
        for s in batch
    ]


def _run(detector: IncidentDetector, batches: list[list[Sample]]) -> list[Alarm]:
    alarms: list[Alarm] = []
    for batch in batches:
        alarms.extend(detector.process(batch))
    return alarms


@pytest.mark.parametrize(
    "stalled", [pytest.param(False, id="lane-blocked"), pytest.param(True, id="stalled-on-loop")]
)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_blocked_lane_is_raised_within_a_few_intervals(stalled: bool, seed: int) -> None:
    detector, rng = _detector(seed)
    normal = _stream(rng, 60, start_s=3600.0)
    blocked = [_block(b, "a_0", stalled=stalled) for b in _stream(rng, 30, start_s=4200.0)]
    alarms = _run(detector, normal + blocked)
    hits = [a for a in alarms if a.lane_id == "a_0" and a.raised_s > 4200.0]
    assert hits, "the blocked lane was not detected"
    assert hits[0].raised_s - 4200.0 <= 8 * INTERVAL_S
    assert hits[0].edge_id == "a"
    assert 0.0 < hits[0].confidence <= 1.0
    assert hits[0].severity in {"minor", "moderate", "severe"}
    assert "persistence_intervals" in hits[0].evidence
    assert [a for a in alarms if a.raised_s <= 4200.0] == []


@pytest.mark.parametrize("seed", [4, 5, 6, 7])
def test_normal_noise_raises_nothing(seed: int) -> None:
    detector, rng = _detector(seed)
    assert _run(detector, _stream(rng, 720, start_s=3600.0)) == []


def test_a_quiet_upstream_is_a_demand_drop_not_an_incident() -> None:
    detector, rng = _detector(8)
    quiet = [
        [Sample(s.detector_id, s.end_s, s.interval_s, 0.0, 0.0, None) for s in batch]
        for batch in _stream(rng, 60, start_s=3600.0)
    ]
    assert [a for a in _run(detector, quiet) if a.lane_id.startswith("a_")] == []


def test_dismissals_lower_sensitivity_and_confirmations_keep_it() -> None:
    detector, _rng = _detector(9)
    profile = detector.profiles.all_day["d-a_0"]
    before = detector.threshold_veh("d-a_0", profile)
    assert detector.feedback("d-a_0", dismissed=False) == 1.0
    assert detector.threshold_veh("d-a_0", profile) == before
    detector.feedback("d-a_0", dismissed=True)
    assert detector.threshold_veh("d-a_0", profile) > before
    assert detector.threshold_veh("d-a_1", profile) == before
    for _ in range(20):
        detector.feedback("d-a_0", dismissed=True)
    assert detector.damping["d-a_0"] <= 8.0


def test_a_dismissed_detector_raises_later() -> None:
    plain, rng_a = _detector(10)
    damped, rng_b = _detector(10)
    for _ in range(3):
        damped.feedback("d-a_0", dismissed=True)
    batches_a = [_block(b, "a_0", stalled=False) for b in _stream(rng_a, 60, start_s=3600.0)]
    batches_b = [_block(b, "a_0", stalled=False) for b in _stream(rng_b, 60, start_s=3600.0)]
    first = [a.raised_s for a in _run(plain, batches_a) if a.lane_id == "a_0"]
    later = [a.raised_s for a in _run(damped, batches_b) if a.lane_id == "a_0"]
    assert first and later and later[0] > first[0]


def test_graph_links_upstream_downstream_and_neighbours() -> None:
    graph = _graph()
    node = graph["d-a_0"]
    assert node.upstream == ("d-up_0",)  # type: ignore[attr-defined]
    assert node.neighbours == ("d-a_1",)  # type: ignore[attr-defined]
    assert graph["d-up_0"].downstream == ("d-a_0",)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "config",
    [
        pytest.param({"sensitivity": 0.0}, id="zero-sensitivity"),
        pytest.param({"margin": 0.5}, id="margin-below-one"),
        pytest.param({"min_intervals": 0}, id="no-persistence"),
        pytest.param({"green_window_buckets": -1}, id="negative-green-window"),
    ],
)
def test_bad_tuning_is_refused(config: dict[str, float]) -> None:
    with pytest.raises(InputError):
        DetectorConfig(**config)  # type: ignore[arg-type]


def test_profiles_need_samples_and_a_sane_bucket() -> None:
    with pytest.raises(InputError):
        learn_profiles([])
    with pytest.raises(InputError):
        learn_profiles([Sample("d", 10.0, 10.0, 1.0, 0.1)], bucket_s=0.0)
    with pytest.raises(InputError):
        learn_profiles([Sample("d", 10.0, 0.0, 1.0, 0.1)])


def test_scoring_counts_hits_time_to_detect_and_false_alarms() -> None:
    incident = InjectedIncident("a_0", "a", "d-a_0", 100.0, 400.0, related=("d-up_0",))
    alarms = [
        Alarm("d-a_0", "a", "a_0", 90.0, 130.0, "minor", 0.6),
        Alarm("d-up_0", "up", "up_0", 150.0, 200.0, "minor", 0.6),  # knock-on, not false
        Alarm("d-a_1", "x", "x_1", 10.0, 20.0, "minor", 0.6),  # before the incident: false
    ]
    result = score([incident], alarms, detector_hours=50.0).to_dict()
    assert result["detection_rate"] == 1.0
    assert result["mean_time_to_detect_s"] == 30.0
    assert result["p95_time_to_detect_s"] == 30.0
    assert result["false_alarms_per_100_detector_hours"] == 2.0


def test_back_to_back_incidents_on_one_lane_are_each_credited() -> None:
    first = InjectedIncident("a_0", "a", "d-a_0", 100.0, 400.0)
    second = InjectedIncident("a_0", "a", "d-a_0", 500.0, 800.0)
    alarms = [
        Alarm("d-a_0", "a", "a_0", 100.0, 150.0, "minor", 0.6),
        Alarm("d-a_0", "a", "a_0", 500.0, 560.0, "minor", 0.6),  # inside the first's grace too
    ]
    result = score([first, second], alarms, detector_hours=10.0).to_dict()
    assert result["detected"] == 2
    assert result["mean_time_to_detect_s"] == 55.0
    assert result["false_alarms"] == 0


@pytest.mark.parametrize(
    ("groups", "peers"),
    [
        pytest.param(None, ("d-a_1",), id="by-common-road"),
        pytest.param({"a_0": ("j", 1), "a_1": ("j", 2)}, (), id="different-greens"),
        pytest.param({"a_0": ("j", 1), "a_1": ("j", 1)}, ("d-a_1",), id="same-green"),
    ],
)
def test_peers_share_a_green(
    groups: dict[str, tuple[str, int]] | None, peers: tuple[str, ...]
) -> None:
    placed = [PlacedDetector(f"d-{lane}", lane, "a") for lane in ("a_0", "a_1")]
    links = {"a_0": ["b_0"], "a_1": ["b_1"]}
    graph = build_graph(placed, links, green_groups=groups)
    assert graph["d-a_0"].peers == peers


def test_a_duplicate_detector_id_is_refused() -> None:
    placed = [PlacedDetector("d", "a_0", "a"), PlacedDetector("d", "a_1", "a")]
    with pytest.raises(InputError):
        build_graph(placed, {})
