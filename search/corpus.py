"""The database backend's in-memory view of all search entries: facet values and the embedding
matrix for exact numpy kNN. Each process keeps one copy and refreshes it incrementally when
entries change (checked with one cheap query per search)."""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db.models import Count, Max

from search.embeddings import DIMENSIONS, from_bytes
from search.models import SearchEntry

# Writers stamp ``seq`` with time.time_ns(); rows written by a concurrent process just before our
# last read can carry a slightly smaller stamp, so every refresh re-reads this window.
REFRESH_OVERLAP_NS = 60 * 10**9


@dataclass
class Meta:
    page_id: int
    topics: frozenset[str]
    size_classes: frozenset[str]
    state: str
    status: str
    lead_ags: str
    last_confirmed: dt.date | None

    def values(self, facet: str) -> frozenset[str]:
        if facet == "topic":
            return self.topics
        if facet == "size_class":
            return self.size_classes
        return frozenset([getattr(self, facet)]) if getattr(self, facet) else frozenset()


@dataclass
class Corpus:
    ids: list[int] = field(default_factory=list)  # SearchEntry ids, row order of ``vectors``
    meta: dict[int, Meta] = field(default_factory=dict)
    vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, DIMENSIONS), dtype=np.float32))
    row_of: dict[int, int] = field(default_factory=dict)
    signature: tuple[int, int] = (0, 0)


_lock = threading.RLock()
_corpus = Corpus()

_FIELDS = (
    "id",
    "page_id",
    "topics",
    "size_classes",
    "state",
    "status",
    "lead_ags",
    "last_confirmed",
    "embedding",
    "seq",
)


def _meta(row: dict) -> Meta:
    return Meta(
        page_id=row["page_id"],
        topics=frozenset(row["topics"].split()),
        size_classes=frozenset(row["size_classes"].split()),
        state=row["state"],
        status=row["status"],
        lead_ags=row["lead_ags"],
        last_confirmed=row["last_confirmed"],
    )


_checked_at = 0.0


def get_corpus() -> Corpus:
    """The in-memory corpus, compared with the table at most every SEARCH_CORPUS_CHECK_SECONDS: the
    comparison counts every entry (tens of milliseconds at 50,000 cases), too much for each search and
    case page; a case published a few seconds ago may take that long to appear in this process."""
    global _corpus, _checked_at
    now = time.monotonic()
    if _corpus.ids and now - _checked_at < settings.SEARCH_CORPUS_CHECK_SECONDS:
        return _corpus
    stats = SearchEntry.objects.aggregate(count=Count("id"), seq=Max("seq"))
    signature = (stats["count"] or 0, stats["seq"] or 0)
    _checked_at = now
    if signature == _corpus.signature:
        return _corpus
    with _lock:
        current = _corpus
        if signature == current.signature:
            return current
        if signature[0] < len(current.ids) or not current.ids:
            rows = SearchEntry.objects.values(*_FIELDS).order_by("id")
            fresh = Corpus()
        else:  # only additions and updates since the last read
            rows = SearchEntry.objects.filter(seq__gte=current.signature[1] - REFRESH_OVERLAP_NS).values(*_FIELDS)
            fresh = Corpus(
                ids=list(current.ids), meta=dict(current.meta), vectors=current.vectors, row_of=dict(current.row_of)
            )
        updates: dict[int, np.ndarray] = {}
        for row in rows.iterator(chunk_size=2000):
            fresh.meta[row["id"]] = _meta(row)
            vector = from_bytes(row["embedding"]) if row["embedding"] else np.zeros(DIMENSIONS, dtype=np.float32)
            updates[row["id"]] = vector
        new_ids = [i for i in updates if i not in fresh.row_of]
        if new_ids:
            fresh.vectors = np.vstack([fresh.vectors, np.zeros((len(new_ids), DIMENSIONS), dtype=np.float32)])
            for entry_id in new_ids:
                fresh.row_of[entry_id] = len(fresh.ids)
                fresh.ids.append(entry_id)
        elif updates:
            fresh.vectors = fresh.vectors.copy()
        for entry_id, vector in updates.items():
            fresh.vectors[fresh.row_of[entry_id]] = vector
        if len(fresh.ids) != signature[0]:  # a deletion raced with the incremental read: start over
            _corpus = Corpus()
            return get_corpus()
        fresh.signature = signature
        _corpus = fresh
        return fresh


def reset_corpus() -> None:
    global _corpus, _checked_at
    _corpus = Corpus()
    _checked_at = 0.0
