"""The learned model: an embedding MLP with a road-graph head (or the earlier graph-diffusion
MLP) over each detector's recent history, in PyTorch on the CPU."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Literal, get_args

import numpy as np
import torch
from torch import nn

from hostcity.brain.forecast.errors import ForecastConfigError
from hostcity.brain.forecast.local_linear import LocalLoss, fit_local
from hostcity.brain.forecast.protocol import IN_STEPS, OUT_STEPS, Scaler, time_features
from hostcity.brain.forecast.types import FloatArray

NAME = "graph_mlp"
TIME_HARMONICS = 3
LOCAL_WIDTH = IN_STEPS + 2 * TIME_HARMONICS + 1
TIME_WIDTH = 2 * TIME_HARMONICS
SLOTS_PER_DAY = 288
"""Five-minute slots of a day: ``EmbeddingMLP`` learns one embedding each."""
Schedule = Literal["cosine", "plateau"]
Design = Literal["graph_mlp", "embedding"]


def time_inputs(tod: FloatArray, dow: FloatArray) -> FloatArray:
    """Daily harmonics of the time of day.

    The day of week is left out on purpose: with days of history, a weekend flag overfits
    (on PEMS08 it made validation MAE worse by two, since a holiday Monday looks like Sunday).
    """
    del dow
    return time_features(tod, TIME_HARMONICS)


def slot_index(times: torch.Tensor) -> torch.Tensor:
    """The five-minute slot of the day (0-287) of each row of ``time_inputs``, read back from
    its first harmonic, so that saved models keep their inputs."""
    turn = torch.atan2(times[:, 0], times[:, TIME_HARMONICS]) / (2 * np.pi)
    return torch.round(torch.remainder(turn, 1.0) * SLOTS_PER_DAY).long() % SLOTS_PER_DAY


def local_design(lags: torch.Tensor, times: torch.Tensor) -> torch.Tensor:
    """Per-detector linear inputs (B, N, LOCAL_WIDTH): own z-scored lags, time of day, 1."""
    b, _, n = lags.shape
    return torch.cat(
        [
            lags.permute(0, 2, 1),
            times[:, : 2 * TIME_HARMONICS].unsqueeze(1).expand(-1, n, -1),
            torch.ones(b, n, 1, dtype=lags.dtype),
        ],
        dim=-1,
    )


@dataclass(frozen=True)
class TrainConfig:
    """Size and training budget of the learned model.

    The defaults are the ``embedding`` design (``EmbeddingMLP`` with its graph head). Fields
    that only ``graph_mlp`` reads (the design before 27 Nov 2026, which saved models of then
    still use): ``hidden``, ``use_time``, ``use_node``, ``diffuse_hidden``, ``node_linear``,
    ``local_penalty``, ``train_local`` and ``local_loss``.
    """

    hidden: int = 64
    node_dim: int = 32
    layers: int = 3
    hops: int = 1
    dropout: float = 0.15
    lr: float = 2e-3
    weight_decay: float = 1e-4
    batch: int = 32
    max_epochs: int = 120
    patience: int = 15
    max_seconds: float = 420.0
    seed: int = 42
    threads: int = 2
    use_time: bool = True
    use_node: bool = True
    diffuse_hidden: bool = False
    node_linear: bool = True
    local_penalty: float = 1.0
    secondary_weight: float = 0.25
    members: int = 3
    train_local: bool = False
    local_loss: LocalLoss = "lad"
    schedule: Schedule = "plateau"
    design: Design = "embedding"
    graph_head: bool = True

    def __post_init__(self) -> None:
        for name, value, kind in (
            ("local_loss", self.local_loss, LocalLoss),
            ("schedule", self.schedule, Schedule),
            ("design", self.design, Design),
        ):
            if value not in get_args(kind):
                raise ForecastConfigError(
                    f"unknown {name} {value!r}", hint=f"use one of: {', '.join(get_args(kind))}"
                )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return dict(self.__dict__)


class GraphMLP(nn.Module):
    """Encodes each detector's window with its neighbours' (diffused along the road graph),
    adds a learned detector embedding and the time of day, and decodes 12 steps with an MLP.
    """

    def __init__(
        self,
        supports: torch.Tensor,
        in_features: int,
        out_features: int,
        config: TrainConfig,
        lag_feature: int = 0,
    ) -> None:
        super().__init__()
        self.lag_feature = lag_feature
        self.register_buffer("supports", supports)  # (K, N, N) diffusion matrices
        n = supports.shape[1]
        k = supports.shape[0]
        width = IN_STEPS * in_features
        self.out_features = out_features
        self.encode = nn.Linear(width * (1 + k), config.hidden)
        self.node = nn.Parameter(torch.randn(n, config.node_dim) * 0.1)
        self.time = nn.Linear(TIME_WIDTH, config.node_dim)
        self.config = config
        mixed = config.hidden * (1 + k if config.diffuse_hidden else 1)
        mixed += config.node_dim * (int(config.use_node) + int(config.use_time))
        self.mix = nn.Linear(mixed, config.hidden)
        # per-detector linear map of its own window, started from the ridge solution
        self.local = nn.Parameter(torch.zeros(n, LOCAL_WIDTH, OUT_STEPS * out_features))
        self.blocks = nn.ModuleList(
            nn.Sequential(
                nn.Linear(config.hidden, config.hidden),
                nn.ReLU(),
                nn.Dropout(config.dropout),
                nn.Linear(config.hidden, config.hidden),
            )
            for _ in range(config.layers)
        )
        self.decode = nn.Linear(config.hidden, OUT_STEPS * out_features)
        if config.node_linear:  # start from the linear solution; the MLP learns what it misses
            nn.init.zeros_(self.decode.weight)
            nn.init.zeros_(self.decode.bias)

    def _diffuse(self, h: torch.Tensor) -> torch.Tensor:
        # h: (B, N, D) -> (B, N, D * (1 + K)): itself and each support's weighted neighbours
        spread = [torch.einsum("knm,bmd->kbnd", self.supports, h)]
        return torch.cat([h, *spread[0].unbind(0)], dim=-1)

    def forward(self, x: torch.Tensor, times: torch.Tensor) -> torch.Tensor:
        """Forecast (B, 12, N, F_out) z-scores from inputs (B, 12, N, F_in) and time features."""
        b, _, n, _ = x.shape
        flat = x.permute(0, 2, 1, 3).reshape(b, n, -1)
        h = torch.relu(self.encode(self._diffuse(flat)))
        parts = [self._diffuse(h) if self.config.diffuse_hidden else h]
        if self.config.use_node:
            parts.append(self.node.unsqueeze(0).expand(b, -1, -1))
        if self.config.use_time:
            parts.append(self.time(times).unsqueeze(1).expand(-1, n, -1))
        h = self.mix(torch.cat(parts, dim=-1))
        for block in self.blocks:
            h = h + block(h)
        out: torch.Tensor = self.decode(torch.relu(h))
        if self.config.node_linear:
            design = local_design(x[..., self.lag_feature], times)
            out = out + torch.einsum("bnd,ndo->bno", design, self.local)
        return out.reshape(b, n, OUT_STEPS, self.out_features).permute(0, 2, 1, 3)


class EmbeddingMLP(nn.Module):
    """STID-style (Shao et al., 2022): each detector's window, its learned embedding and the
    time-of-day slot's embedding side by side, through residual MLP blocks, decoded to 12 steps.

    With ``graph_head``, a second decoder reads the hidden states of the detector's graph
    neighbours (diffused along the road graph as in ``GraphMLP``); it starts at zero, so the
    model uses the neighbours only as far as training finds them useful.
    """

    def __init__(
        self, supports: torch.Tensor, in_features: int, out_features: int, config: TrainConfig
    ) -> None:
        super().__init__()
        self.register_buffer("supports", supports)  # (K, N, N) diffusion matrices
        n, k, dim = supports.shape[1], supports.shape[0], config.node_dim
        self.out_features = out_features
        self.window = nn.Linear(IN_STEPS * in_features, dim)
        self.node = nn.Parameter(torch.empty(n, dim))
        nn.init.xavier_uniform_(self.node)
        self.slots = nn.Embedding(SLOTS_PER_DAY, dim)
        width = 3 * dim
        self.blocks = nn.ModuleList(
            nn.Sequential(
                nn.Linear(width, width),
                nn.ReLU(),
                nn.Dropout(config.dropout),
                nn.Linear(width, width),
            )
            for _ in range(config.layers)
        )
        self.decode = nn.Linear(width, OUT_STEPS * out_features)
        self.graph_decode: nn.Linear | None = None
        self._sparse: torch.Tensor | None = None  # the supports as one sparse (K*N, N) matrix
        if config.graph_head:
            self.graph_decode = nn.Linear(width * k, OUT_STEPS * out_features)
            nn.init.zeros_(self.graph_decode.weight)
            nn.init.zeros_(self.graph_decode.bias)

    def forward(self, x: torch.Tensor, times: torch.Tensor) -> torch.Tensor:
        """Forecast (B, 12, N, F_out) z-scores from inputs (B, 12, N, F_in) and time features."""
        b, _, n, _ = x.shape
        h = torch.cat(
            [
                self.window(x.permute(0, 2, 1, 3).reshape(b, n, -1)),
                self.node.unsqueeze(0).expand(b, -1, -1),
                self.slots(slot_index(times)).unsqueeze(1).expand(-1, n, -1),
            ],
            dim=-1,
        )
        for block in self.blocks:
            h = h + block(h)
        out: torch.Tensor = self.decode(h)
        if self.graph_decode is not None:
            out = out + self.graph_decode(self._spread(h))
        return out.reshape(b, n, OUT_STEPS, self.out_features).permute(0, 2, 1, 3)

    def _spread(self, h: torch.Tensor) -> torch.Tensor:
        """(B, N, D) -> (B, N, K * D): each support's weighted neighbours, as a sparse product
        (a road graph links each detector to a few others)."""
        b, n, d = h.shape
        supports = self.supports
        assert isinstance(supports, torch.Tensor)
        k = supports.shape[0]
        if self._sparse is None:
            self._sparse = supports.reshape(k * n, n).to_sparse()
        spread: torch.Tensor = torch.sparse.mm(self._sparse, h.permute(1, 0, 2).reshape(n, b * d))
        return spread.reshape(k, n, b, d).permute(2, 1, 0, 3).reshape(b, n, k * d)


Member = GraphMLP | EmbeddingMLP


def build_member(
    supports: torch.Tensor, in_features: int, targets: tuple[int, ...], config: TrainConfig
) -> Member:
    """One untrained model of ``config.design``."""
    if config.design == "embedding":
        return EmbeddingMLP(supports, in_features, len(targets), config)
    return GraphMLP(supports, in_features, len(targets), config, lag_feature=targets[0])


class Ensemble(nn.Module):
    """The mean forecast of models trained from different seeds."""

    def __init__(self, members: list[Member]) -> None:
        super().__init__()
        self.members = nn.ModuleList(members)

    def forward(self, x: torch.Tensor, times: torch.Tensor) -> torch.Tensor:
        """Mean of the members' forecasts, shape (B, 12, N, F_out)."""
        outs = [member(x, times) for member in self.members]
        return torch.stack(outs).mean(dim=0)


def build_supports(transition_mats: list[FloatArray], hops: int) -> torch.Tensor:
    """Powers 1..hops of each transition matrix, stacked as (K, N, N)."""
    mats: list[FloatArray] = []
    for p in transition_mats:
        power = np.eye(p.shape[0])
        for _ in range(hops):
            power = power @ p
            mats.append(power)
    return torch.tensor(np.stack(mats), dtype=torch.float32)


@dataclass
class LearnedForecaster:
    """Trained GraphMLPs (averaged) with the scaler and feature columns to forecast raw values."""

    model: Ensemble
    scaler: Scaler
    targets: tuple[int, ...]
    config: TrainConfig
    epochs: int = 0
    """Epochs trained, all members together."""
    cut_members: int = 0
    """Members the time budget (``max_seconds``) stopped before they settled."""
    name: str = NAME

    def predict(self, x: FloatArray, tod: FloatArray, dow: FloatArray) -> FloatArray:
        """Forecasts (S, 12, N, targets) from raw inputs (S, 12, N, F)."""
        self.model.eval()
        outs: list[FloatArray] = []
        with torch.no_grad():
            for start in range(0, x.shape[0], 64):
                xb = _tensor(self.scaler.transform(x[start : start + 64]))
                tb = _tensor(time_inputs(tod[start : start + 64], dow[start : start + 64]))
                outs.append(self.model(xb, tb).numpy().astype(np.float64))
        z = np.concatenate(outs, axis=0) if outs else np.zeros((0, OUT_STEPS, x.shape[2], 1))
        raw = np.empty_like(z)
        for k, f in enumerate(self.targets):
            raw[..., k] = self.scaler.inverse(z[..., k], f)
        return raw

    def state(self) -> dict[str, Any]:
        """Everything needed to rebuild the model, for ``torch.save``."""
        return {"weights": self.model.state_dict(), "config": self.config.to_dict()}


def _tensor(a: FloatArray) -> torch.Tensor:
    return torch.tensor(a, dtype=torch.float32)


Samples = tuple[FloatArray, FloatArray, FloatArray, FloatArray]
ProgressFn = Callable[[float, str], None]


def train(
    train_set: Samples,
    val_set: Samples,
    *,
    scaler: Scaler,
    targets: tuple[int, ...],
    transition_mats: list[FloatArray],
    config: TrainConfig,
    progress: ProgressFn | None = None,
) -> LearnedForecaster:
    """Train ``config.members`` models from seeds ``seed, seed + 1, ...`` and average them.

    Each member is trained with masked MAE on z-scores and keeps the epoch with the best
    validation MAE. The members share the ``max_seconds`` budget.

    Args:
        train_set: Training (x, y, tod, dow) samples in raw units.
        val_set: Validation samples, for early stopping.
        scaler: Z-score fitted on the training part.
        targets: Feature columns to forecast.
        transition_mats: Forward and backward random-walk matrices of the sensor graph.
        config: Model size and budget.
        progress: Called with (fraction, message) after every epoch.
    """
    torch.set_num_threads(config.threads)
    supports = build_supports(transition_mats, config.hops)
    deadline = time.monotonic() + config.max_seconds
    x, y, tod, dow = train_set
    # the fixed part is the same for every member, so it is fitted once
    local = (
        _tensor(
            fit_local(
                _local_inputs(x, tod, dow, scaler, targets),
                y,
                scaler,
                targets,
                penalty=config.local_penalty,
                loss=config.local_loss,
            )
        )
        if config.node_linear and config.design == "graph_mlp"
        else None
    )
    members: list[Member] = []
    epochs = cut = 0
    for i in range(config.members):
        budget_s = (deadline - time.monotonic()) / (config.members - i)
        member_config = replace(config, seed=config.seed + i, max_seconds=max(budget_s, 0.0))

        def member_progress(fraction: float, message: str, done: int = i) -> None:
            if progress is not None:
                label = f"model {done + 1}/{config.members}, " if config.members > 1 else ""
                progress((done + fraction) / config.members, label + message)

        member, member_epochs, member_cut = _train_member(
            train_set,
            val_set,
            scaler=scaler,
            targets=targets,
            supports=supports,
            local=local,
            config=member_config,
            progress=member_progress,
        )
        members.append(member)
        epochs += member_epochs
        cut += int(member_cut)
    forecaster = LearnedForecaster(Ensemble(members), scaler, targets, config, epochs, cut)
    forecaster.model.eval()
    return forecaster


def _train_member(
    train_set: Samples,
    val_set: Samples,
    *,
    scaler: Scaler,
    targets: tuple[int, ...],
    supports: torch.Tensor,
    local: torch.Tensor | None,
    config: TrainConfig,
    progress: ProgressFn,
) -> tuple[Member, int, bool]:
    """One model from ``config.seed``, with the epoch count it ran and whether the time budget
    stopped it."""
    torch.manual_seed(config.seed)
    x, y, tod, dow = train_set
    model = build_member(supports, x.shape[-1], targets, config)
    single = LearnedForecaster(Ensemble([model]), scaler, targets, config)
    xt = _tensor(scaler.transform(x))
    tt = _tensor(time_inputs(tod, dow))
    if local is not None and isinstance(model, GraphMLP):
        with torch.no_grad():
            model.local.copy_(local)
        # fine-tuning 170 x 19 x 24 detector weights with MAE overfits the three training days;
        # kept at the ridge solution, the MLP learns only what ridge misses
        model.local.requires_grad_(config.train_local)
    mask_t = torch.tensor(y[..., list(targets)] != 0)
    yt = _tensor(scaler.transform(y)[..., list(targets)])
    weights = torch.tensor(
        [1.0] + [config.secondary_weight] * (len(targets) - 1), dtype=torch.float32
    )
    optimiser = torch.optim.AdamW(
        [p for p in model.parameters() if p.requires_grad],
        lr=config.lr,
        weight_decay=config.weight_decay,
    )
    cosine = torch.optim.lr_scheduler.CosineAnnealingLR(optimiser, T_max=config.max_epochs)
    plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(
        optimiser, factor=0.5, patience=max(3, config.patience // 3)
    )
    generator = torch.Generator().manual_seed(config.seed)
    best_err, best_state, stale, epochs = np.inf, copy.deepcopy(model.state_dict()), 0, 0
    cut = False
    started = time.monotonic()
    for epoch in range(config.max_epochs):
        model.train()
        order = torch.randperm(xt.shape[0], generator=generator)
        for start in range(0, len(order), config.batch):
            idx = order[start : start + config.batch]
            pred = model(xt[idx], tt[idx])
            m = mask_t[idx]
            # the first target (flow) is what the benchmark scores; speed only helps it
            err = (pred - yt[idx]).abs() * m * weights
            loss = err.sum() / (m * weights).sum().clamp(min=1.0)
            optimiser.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            optimiser.step()
        err = _validation_mae(single, val_set)
        if config.schedule == "plateau":
            plateau.step(err)
        else:
            cosine.step()
        epochs = epoch + 1
        if err < best_err - 1e-6:
            best_err, best_state, stale = err, copy.deepcopy(model.state_dict()), 0
        else:
            stale += 1
        elapsed = time.monotonic() - started
        fraction = max(epochs / config.max_epochs, elapsed / max(config.max_seconds, 1e-9))
        progress(min(fraction, 1.0), f"epoch {epochs}: validation MAE {err:.2f}")
        if stale >= config.patience:
            break
        if elapsed > config.max_seconds:
            cut = epochs < config.max_epochs
            break
    model.load_state_dict(best_state)
    model.eval()
    return model, epochs, cut


def _local_inputs(
    x: FloatArray, tod: FloatArray, dow: FloatArray, scaler: Scaler, targets: tuple[int, ...]
) -> FloatArray:
    """The local design (S, N, LOCAL_WIDTH) of raw inputs, in float64."""
    lags = _tensor(scaler.transform(x))[..., targets[0]]
    design = local_design(lags, _tensor(time_inputs(tod, dow)))
    return design.numpy().astype(np.float64)


def _validation_mae(forecaster: LearnedForecaster, val_set: Samples) -> float:
    """Masked MAE of the first target, in raw units."""
    x, y, tod, dow = val_set
    pred = forecaster.predict(x, tod, dow)[..., 0]
    truth = y[..., forecaster.targets[0]]
    mask = truth != 0
    return float(np.abs(pred - truth)[mask].mean()) if mask.any() else 0.0


def load(
    state: dict[str, Any],
    scaler: Scaler,
    targets: tuple[int, ...],
    transition_mats: list[FloatArray],
    in_features: int,
) -> LearnedForecaster:
    """Rebuild a forecaster saved with ``LearnedForecaster.state``."""
    # models saved before the embedding design say nothing of their design and schedule
    config = TrainConfig(**{"design": "graph_mlp", "schedule": "cosine", **state["config"]})
    weights = state["weights"]
    if not any(key.startswith("members.") for key in weights):  # saved before ensembles
        weights = {f"members.0.{key}": value for key, value in weights.items()}
        config = replace(config, members=1)
    supports = build_supports(transition_mats, config.hops)
    model = Ensemble(
        [build_member(supports, in_features, targets, config) for _ in range(config.members)]
    )
    model.load_state_dict(weights)
    model.eval()
    return LearnedForecaster(model, scaler, targets, config)
