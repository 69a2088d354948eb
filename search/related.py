""" "Ähnliche Praxisbeispiele": more-like-this on Elasticsearch, nearest embeddings on the database."""

from __future__ import annotations

import logging

import numpy as np

from search.backends import active_external_backend
from search.corpus import get_corpus
from search.models import SearchEntry

logger = logging.getLogger(__name__)


def related_cases(page_id: int, size: int = 4) -> list[dict]:
    backend, _degraded = active_external_backend()
    if backend is not None:
        try:
            return [
                {"title": r["title"], "url": r["url"], "lead_name": r.get("lead_name", "")}
                for r in backend.related(page_id, size)
            ]
        except backend.unavailable_errors as exc:
            backend.mark_unavailable(exc)
    corpus = get_corpus()
    entry_id = SearchEntry.objects.filter(page_id=page_id).values_list("id", flat=True).first()
    if entry_id is None or entry_id not in corpus.row_of:
        return []
    similarities = corpus.vectors @ corpus.vectors[corpus.row_of[entry_id]]
    similarities[corpus.row_of[entry_id]] = -np.inf
    k = min(size, len(corpus.ids) - 1)
    if k <= 0:
        return []
    top = np.argsort(-similarities)[:k]
    ids = [corpus.ids[i] for i in top]
    entries = SearchEntry.objects.in_bulk(ids)
    return [
        {"title": entries[i].title, "url": entries[i].url, "lead_name": entries[i].lead_name}
        for i in ids
        if i in entries
    ]
