"""What a search backend hands the service: candidates with scores and what the shared pipeline needs to
know about them. Both backends fill these; ``search.service`` fuses, boosts, filters, counts and pages them
the same way whichever backend answered."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from search.query_terms import QueryTerms
from search.types import SearchQuery


class CaseFacts(Protocol):
    """What boosts and facets read of a candidate."""

    @property
    def by_facet(self) -> Mapping[str, frozenset[str]]: ...

    @property
    def last_confirmed(self) -> dt.date | None: ...

    @property
    def lead_ags(self) -> str: ...


@dataclass(frozen=True)
class StoredCase:
    """A hit's stored fields as ``hits.make_hit`` reads them, and its body for the snippet."""

    page_id: int
    fields: Mapping
    body: str


@dataclass
class Candidates:
    """A backend's candidates for a query with words, before fusion: each side's scores (higher is better;
    the semantic side as cosine), the query vector, the lexical confidence, and the hooks
    ``ranking.fuse_with_feedback`` calls back. ``facts`` covers every candidate, also those the hooks add."""

    terms: QueryTerms
    lexical: Mapping[int, float]
    semantic: Mapping[int, float]
    vector: np.ndarray | None
    confidence: float
    facts: Mapping[int, CaseFacts]
    vectors_of: Callable[[list[int]], np.ndarray]
    knn: Callable[[np.ndarray], Mapping[int, float]]
    within: Callable[[int], bool] | None  # passes the active filters; None without filters


class SearchBackend(Protocol):
    """A search engine behind the service. Candidate ids are the backend's own (entry or page ids)."""

    name: str

    def candidates(self, query: SearchQuery) -> Candidates:
        """Lexical and semantic candidates for ``query.text``."""
        ...

    def recent(self, today: dt.date) -> tuple[dict[int, float], Mapping[int, CaseFacts]]:
        """Candidates for a search without words, most recently confirmed first, and their facts."""
        ...

    def stored(self, ids: list[int], facts: Mapping[int, CaseFacts], bodies: bool) -> dict[int, StoredCase]:
        """The stored fields of ``ids`` (with their bodies if ``bodies``); ids no longer stored are left out."""
        ...

    def related(self, page_id: int, size: int) -> list[dict]:
        """Cases like the given one: dicts with title, url and (if known) lead_name."""
        ...
