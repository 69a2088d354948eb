"""The database backend's in-memory view of all search entries: facet values and the embedding
matrix for exact numpy kNN. Each process keeps one copy and refreshes it incrementally when
entries change (checked with one primary-key read per search, see ``IndexGeneration``)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Count, Max

from search.embeddings import DIMENSIONS, from_bytes
from search.models import IndexGeneration, SearchEntry
from search.types import PROVEN

# Writers stamp ``seq`` with time.time_ns(); rows written by a concurrent process just before our
# last read can carry a slightly smaller stamp, so every refresh re-reads this window.
REFRESH_OVERLAP_NS = 60 * 10**9
_PROVEN = frozenset([PROVEN])


@dataclass
class Meta:
    page_id: int
    topics: frozenset[str]
    size_classes: frozenset[str]
    state: str
    status: str
    lead_ags: str
    last_confirmed: dt.date | None
    proven: bool = False
    by_facet: dict[str, frozenset[str]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # Facet counting asks for these for every candidate of every search: look them up, don't build them.
        self.by_facet = {
            "topic": self.topics,
            "size_class": self.size_classes,
            "state": frozenset([self.state]) if self.state else frozenset(),
            "status": frozenset([self.status]) if self.status else frozenset(),
            "proven": _PROVEN if self.proven else frozenset(),
        }

    def values(self, facet: str) -> frozenset[str]:
        return self.by_facet[facet]


@dataclass
class Corpus:
    ids: list[int] = field(default_factory=list)  # SearchEntry ids, row order of ``vectors``
    meta: dict[int, Meta] = field(default_factory=dict)
    vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, DIMENSIONS), dtype=np.float32))
    row_of: dict[int, int] = field(default_factory=dict)
    signature: tuple[int, int] = (0, 0)  # (count, highest seq) of the table when read
    generation: int | None = None  # IndexGeneration when read
    # facet -> value -> rows holding it; built on the first filtered search (a corpus is never changed in place)
    _rows_by_value: dict[str, dict[str, np.ndarray]] | None = field(default=None, repr=False)

    def filter_mask(self, filters: Mapping[str, tuple[str, ...]]) -> np.ndarray | None:
        """Per row, whether its entry passes ``filters`` (any wanted value per facet, every facet); None
        without an active filter."""
        active = {facet: wanted for facet, wanted in filters.items() if wanted}
        if not active:
            return None
        by_value = self._rows_by_value
        if by_value is None:
            by_value = self._rows_by_value = self._index_rows()
        passing = np.ones(len(self.ids), dtype=bool)
        for facet, wanted in active.items():
            in_facet = np.zeros(len(self.ids), dtype=bool)
            for value in wanted:
                rows = by_value.get(facet, {}).get(value)
                if rows is not None:
                    in_facet[rows] = True
            passing &= in_facet
        return passing

    def _index_rows(self) -> dict[str, dict[str, np.ndarray]]:
        collected: dict[str, dict[str, list[int]]] = {}
        for row, entry_id in enumerate(self.ids):
            for facet, values in self.meta[entry_id].by_facet.items():
                for value in values:
                    collected.setdefault(facet, {}).setdefault(value, []).append(row)
        return {
            facet: {value: np.asarray(rows, dtype=np.int64) for value, rows in by_value.items()}
            for facet, by_value in collected.items()
        }


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
    "adoptions_in_operation",
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
        proven=bool(row["adoptions_in_operation"]),
    )


def current_generation() -> int | None:
    """None if the row is missing (a flushed test database); then every call compares the table."""
    return IndexGeneration.objects.filter(id=1).values_list("value", flat=True).first()


def get_corpus() -> Corpus:
    """The in-memory corpus, current as of this call: the generation row tells whether anything was
    written since it was read; only then are the table's count and highest ``seq`` compared (tens of
    milliseconds at 50,000 cases) and the changed rows read."""
    global _corpus
    generation = current_generation()  # read before the rows, so a write in between is seen next time
    if _corpus.ids and generation is not None and generation == _corpus.generation:
        return _corpus
    stats = SearchEntry.objects.aggregate(count=Count("id"), seq=Max("seq"))
    signature = (stats["count"] or 0, stats["seq"] or 0)
    if signature == _corpus.signature:
        _corpus.generation = generation
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
        fresh.generation = generation
        _corpus = fresh
        return fresh


def loaded_generation() -> int | None:
    """The generation of the corpus this process holds, without asking the database."""
    return _corpus.generation


def reset_corpus() -> None:
    global _corpus
    _corpus = Corpus()
