"""The 1:N template index: exact inner-product search, an IVF (faiss) index for large galleries."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from hostcity.core.errors import DependencyError, InputError

DEFAULT_EXACT_LIMIT = 250_000


def _faiss() -> Any:
    try:
        import faiss
    except ImportError as exc:
        raise DependencyError("faiss is not installed", hint="pip install faiss-cpu") from exc
    return faiss


@dataclass(frozen=True)
class Hit:
    """One candidate: the template id and its cosine similarity to the probe."""

    template_id: int
    score: float


class TemplateIndex:
    """Unit-length templates by id, searched by inner product (cosine similarity).

    Up to ``exact_limit`` templates every search is exhaustive. Above it an IVF index (faiss)
    narrows the search to the nearest cells and the candidates are re-scored exactly; it is
    retrained when the gallery has doubled since the last training. Adds and removals apply
    at once. Methods are thread-safe.
    """

    def __init__(
        self, dim: int = 128, *, exact_limit: int = DEFAULT_EXACT_LIMIT, nprobe: int = 48
    ) -> None:
        self.dim = dim
        self.exact_limit = exact_limit
        self.nprobe = nprobe
        self._lock = threading.RLock()
        self._vectors = np.zeros((0, dim), dtype=np.float32)
        self._ids = np.zeros(0, dtype=np.int64)
        self._size = 0
        self._row_of: dict[int, int] = {}
        self._ivf: Any = None
        self._ivf_trained_at = 0

    def __len__(self) -> int:
        return self._size

    @property
    def approximate(self) -> bool:
        """True when searches go through the IVF index."""
        return self._ivf is not None

    def _check(self, vectors: NDArray[np.float32]) -> NDArray[np.float32]:
        array = np.ascontiguousarray(vectors, dtype=np.float32)
        if array.ndim != 2 or array.shape[1] != self.dim:
            raise InputError(f"templates must be N x {self.dim}; got shape {array.shape}")
        return array

    def add(self, template_ids: list[int], vectors: NDArray[np.float32]) -> None:
        """Add (or replace) templates."""
        array = self._check(vectors)
        with self._lock:
            self.remove([t for t in template_ids if t in self._row_of])
            needed = self._size + len(template_ids)
            if needed > len(self._vectors):
                capacity = max(needed, 2 * len(self._vectors), 1024)
                grown = np.zeros((capacity, self.dim), dtype=np.float32)
                grown[: self._size] = self._vectors[: self._size]
                grown_ids = np.zeros(capacity, dtype=np.int64)
                grown_ids[: self._size] = self._ids[: self._size]
                self._vectors, self._ids = grown, grown_ids
            start = self._size
            self._vectors[start:needed] = array
            self._ids[start:needed] = template_ids
            for offset, template_id in enumerate(template_ids):
                self._row_of[int(template_id)] = start + offset
            self._size = needed
            if self._ivf is not None:
                self._ivf.add_with_ids(array, np.asarray(template_ids, dtype=np.int64))
            self._maybe_retrain()

    def remove(self, template_ids: list[int]) -> int:
        """Remove templates by id; returns how many were there."""
        removed = 0
        with self._lock:
            for template_id in template_ids:
                row = self._row_of.pop(int(template_id), None)
                if row is None:
                    continue
                last = self._size - 1
                if row != last:
                    self._vectors[row] = self._vectors[last]
                    self._ids[row] = self._ids[last]
                    self._row_of[int(self._ids[row])] = row
                self._size = last
                removed += 1
            if removed and self._ivf is not None:
                self._ivf.remove_ids(np.asarray(template_ids, dtype=np.int64))
            if self._ivf is not None and self._size <= self.exact_limit:
                self._ivf = None
        return removed

    def _maybe_retrain(self) -> None:
        if self._size <= self.exact_limit:
            self._ivf = None
            return
        if self._ivf is not None and self._size < 2 * self._ivf_trained_at:
            return
        faiss = _faiss()
        data = self._vectors[: self._size]
        cells = max(16, int(np.sqrt(self._size)))
        quantizer = faiss.IndexFlatIP(self.dim)
        ivf = faiss.IndexIVFFlat(quantizer, self.dim, cells, faiss.METRIC_INNER_PRODUCT)
        rng = np.random.default_rng(0)
        sample = data[rng.choice(self._size, size=min(self._size, 64 * cells), replace=False)]
        ivf.train(sample)
        ivf.add_with_ids(data, self._ids[: self._size])
        ivf.nprobe = self.nprobe
        self._ivf = ivf
        self._ivf_trained_at = self._size

    def search(self, probe: NDArray[np.float32], k: int = 5) -> list[Hit]:
        """The ``k`` most similar templates, best first."""
        query = self._check(np.asarray(probe, dtype=np.float32).reshape(1, -1))
        with self._lock:
            if self._size == 0:
                return []
            k = min(k, self._size)
            if self._ivf is not None:
                scores, ids = self._ivf.search(query, k)
                return [
                    Hit(int(i), float(s)) for s, i in zip(scores[0], ids[0], strict=True) if i >= 0
                ]
            scores_all = self._vectors[: self._size] @ query[0]
            top = (
                np.argpartition(-scores_all, k - 1)[:k] if k < self._size else np.arange(self._size)
            )
            top = top[np.argsort(-scores_all[top])]
            return [Hit(int(self._ids[r]), float(scores_all[r])) for r in top]

    def ids(self) -> list[int]:
        """Every template id in the index."""
        with self._lock:
            return [int(i) for i in self._ids[: self._size]]
