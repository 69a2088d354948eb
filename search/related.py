""" "Ähnliche Praxisbeispiele": more-like-this on Elasticsearch, nearest embeddings on the database."""

from __future__ import annotations

from search.backends import answer_with_fallback


def related_cases(page_id: int, size: int = 4) -> list[dict]:
    related, _degraded = answer_with_fallback(lambda backend: backend.related(page_id, size))
    return [{"title": r["title"], "url": r["url"], "lead_name": r.get("lead_name", "")} for r in related]
