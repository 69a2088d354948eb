"""The one search service: ``search(SearchQuery) -> SearchResult``. It picks the backend from the
settings (Elasticsearch when configured and reachable, the database otherwise), and views and the
API never know which one answered except through ``result.backend``."""

from __future__ import annotations

import datetime as dt
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache

import numpy as np
from django.utils import timezone

from search import ranking
from search.backends import active_external_backend
from search.backends.database import database_corpus, lexical, nearest_rows, semantic_scores
from search.corpus import Corpus
from search.embeddings import query_vector
from search.facets import select
from search.hits import make_hit
from search.labels import facet_labels
from search.models import SearchEntry
from search.near import asking_municipality, lead_profiles
from search.query_terms import build_query_terms
from search.types import Mode, SearchQuery, SearchResult

logger = logging.getLogger(__name__)


def search(query: SearchQuery) -> SearchResult:
    backend, degraded = active_external_backend()
    if backend is not None:
        try:
            return backend.search(query)
        except backend.unavailable_errors as exc:
            backend.mark_unavailable(exc)
            degraded = True
    result = database_search(query)
    result.degraded = degraded
    return result


# The feedback pass re-scores the query's nearest neighbours instead of all vectors again: at 50,000 cases a
# second full pass costs as much as the first (~9 ms, memory-bound); the moved vector lies between the
# query and its best hits, so its own best 100 come from this neighbourhood all but always.
FEEDBACK_NEIGHBOURHOOD = 2000


def database_search(query: SearchQuery) -> SearchResult:
    corpus = database_corpus()
    today = timezone.localdate()
    filters = query.filters()
    terms = None
    if query.text.strip():
        passing = corpus.filter_mask(filters)
        filtered_rows = None if passing is None else np.flatnonzero(passing)
        # The semantic side runs in a helper thread while this one waits for the lexical SQL: the
        # embedding (C code) and the kNN (BLAS) release the GIL, and at 50,000 cases each side takes 10–25 ms.
        semantic_side = (
            _semantic_thread().submit(_semantic_side, corpus, query.text, query.mode, filtered_rows)
            if query.mode != Mode.LEXICAL
            else None
        )
        terms = build_query_terms(query.text, lexical.vocabulary() if query.mode != Mode.SEMANTIC else None)
        lexical_scores = lexical.search(terms) if query.mode != Mode.SEMANTIC else {}
        vector, semantic, pool = semantic_side.result() if semantic_side else (None, {}, None)
        scores = ranking.fuse_with_feedback(
            lexical_scores,
            semantic,
            query.mode,
            vector,
            vectors_of=lambda ids: corpus.vectors[[corpus.row_of[i] for i in ids if i in corpus.row_of]],
            knn=lambda moved: _nearest(corpus, moved, pool, filtered_rows),
            confidence=lexical.confidence(terms) if query.mode == Mode.HYBRID else 1.0,
            within=None if passing is None else lambda doc: doc in corpus.row_of and passing[corpus.row_of[doc]],
        )
    else:  # no words: every case, most recently confirmed first
        scores = {entry_id: _recency(meta.last_confirmed, today) for entry_id, meta in corpus.meta.items()}
    scores = {doc: s for doc, s in scores.items() if doc in corpus.meta}

    asking = asking_municipality(query.near)
    boosts: dict[int, float] = {}
    reasons: dict[int, list[str]] = {}
    leads = lead_profiles({corpus.meta[d].lead_ags for d in scores}) if asking else {}
    for doc in scores:
        meta = corpus.meta[doc]
        near_boost, near_why = ranking.near_reasons(asking, leads.get(meta.lead_ags))
        boosts[doc] = ranking.confirmation_boost(meta.last_confirmed, today) + near_boost
        reasons[doc] = near_why
    ranked = ranking.apply_boosts(scores, boosts)

    kept, facets = select(
        scores,
        lambda doc: corpus.meta[doc].by_facet,
        filters,
        facet_labels(),
        ranking.min_share(query.mode) if terms else 0.0,
        order=ranked,
    )
    start = (query.page - 1) * query.page_size
    page_ids = kept[start : start + query.page_size]
    entries = {e["id"]: e for e in SearchEntry.objects.filter(id__in=page_ids).values()}
    marked = terms.marked if terms else frozenset()
    hits = [
        make_hit(entries[doc]["page_id"], entries[doc], ranked[doc], reasons.get(doc, []), entries[doc]["body"], marked)
        for doc in page_ids
        if doc in entries
    ]
    return SearchResult(query=query, total=len(kept), hits=hits, facets=facets, backend="database")


@lru_cache(maxsize=1)
def _semantic_process_thread(pid: int) -> ThreadPoolExecutor:
    # One thread: gunicorn's sync workers serve one request at a time, and the embedder is locked anyway.
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="semantic-search")


def _semantic_thread() -> ThreadPoolExecutor:
    """This process's helper thread (keyed by pid: threads do not survive a fork)."""
    return _semantic_process_thread(os.getpid())


def _semantic_side(
    corpus: Corpus, text: str, mode: Mode, filtered_rows: np.ndarray | None
) -> tuple[np.ndarray, dict[int, float], np.ndarray | None]:
    """The query vector, its nearest entries and, for hybrid search, the rows of its feedback neighbourhood.
    With filters (``filtered_rows``) the nearest entries that pass them come on top: among 50,000 cases, the
    hundred nearest of all may hold none from the ticked Bundesland; the nearest of all stay for the facets."""
    vector = query_vector(text)
    if mode == Mode.SEMANTIC:
        return vector, _nearest(corpus, vector, None, filtered_rows), None
    pool, _similarities = nearest_rows(corpus, vector, limit=FEEDBACK_NEIGHBOURHOOD)
    if filtered_rows is not None:
        filtered_pool, _ = nearest_rows(corpus, vector, limit=FEEDBACK_NEIGHBOURHOOD, rows=filtered_rows)
        pool = np.union1d(pool, filtered_pool)
    return vector, _nearest(corpus, vector, pool, filtered_rows), pool


def _nearest(
    corpus: Corpus, vector: np.ndarray, rows: np.ndarray | None, filtered_rows: np.ndarray | None
) -> dict[int, float]:
    """The ``semantic_scores`` nearest entries (among ``rows``) and, with filters, as many of those that pass them."""
    nearest = semantic_scores(corpus, vector, rows=rows)
    if filtered_rows is not None:
        passing = filtered_rows if rows is None else np.intersect1d(rows, filtered_rows, assume_unique=True)
        nearest.update(semantic_scores(corpus, vector, rows=passing))
    return nearest


def _recency(last_confirmed: dt.date | None, today: dt.date) -> float:
    if last_confirmed is None:
        return 0.0
    return 1.0 / (1.0 + max(0, (today - last_confirmed).days) / 365)
