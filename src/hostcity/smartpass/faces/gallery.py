"""The 1:N gallery: one template index per venue, kept in step with the database."""

from __future__ import annotations

import threading
from collections.abc import Iterable

import numpy as np
from numpy.typing import NDArray

from hostcity.smartpass.faces.adapters.index import DEFAULT_EXACT_LIMIT, Hit, TemplateIndex


class Gallery:
    """Templates by venue: a holder's templates sit in the index of every venue they may enter."""

    def __init__(self, *, exact_limit: int = DEFAULT_EXACT_LIMIT) -> None:
        self.exact_limit = exact_limit
        self._venues: dict[str, TemplateIndex] = {}
        self._holder_of: dict[int, int] = {}
        self._templates_of: dict[int, set[int]] = {}
        self._lock = threading.RLock()

    def add(
        self,
        *,
        holder_id: int,
        venue_ids: Iterable[str],
        templates: list[tuple[int, NDArray[np.float32]]],
    ) -> None:
        """Add a holder's templates (id, vector) to the indexes of ``venue_ids``."""
        if not templates:
            return
        ids = [t for t, _ in templates]
        vectors = np.stack([v for _, v in templates]).astype(np.float32)
        with self._lock:
            for venue_id in set(venue_ids):
                index = self._venues.get(venue_id)
                if index is None:
                    index = self._venues[venue_id] = TemplateIndex(exact_limit=self.exact_limit)
                index.add(ids, vectors)
            for template_id in ids:
                self._holder_of[template_id] = holder_id
            self._templates_of.setdefault(holder_id, set()).update(ids)

    def remove_holder(self, holder_id: int) -> int:
        """Remove every template of a holder from every venue; returns how many templates."""
        with self._lock:
            ids = sorted(self._templates_of.pop(holder_id, set()))
            for index in self._venues.values():
                index.remove(ids)
            for template_id in ids:
                self._holder_of.pop(template_id, None)
            return len(ids)

    def search(self, venue_id: str, probe: NDArray[np.float32], k: int = 10) -> dict[int, float]:
        """The best score of each of the holders nearest to ``probe`` at a venue."""
        with self._lock:
            index = self._venues.get(venue_id)
            hits: list[Hit] = index.search(probe, k) if index is not None else []
            best: dict[int, float] = {}
            for hit in hits:
                holder = self._holder_of.get(hit.template_id)
                if holder is not None and hit.score > best.get(holder, -2.0):
                    best[holder] = hit.score
            return best

    def holders(self) -> set[int]:
        """Every holder with templates in the gallery."""
        with self._lock:
            return set(self._templates_of)

    def size(self, venue_id: str | None = None) -> int:
        """Templates at one venue, or distinct templates overall."""
        with self._lock:
            if venue_id is None:
                return len(self._holder_of)
            index = self._venues.get(venue_id)
            return len(index) if index is not None else 0
