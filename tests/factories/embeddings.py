"""The real e5 model embeds each case text once per test session, not once per test: the project's own
embedding cache is refilled from the first test's rows after every rollback or flush (same vectors)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

_embeddings: list[tuple[str, str, bytes]] = []


@contextmanager
def embeddings_reused() -> Iterator[None]:
    from search.models import EmbeddingCache

    EmbeddingCache.objects.bulk_create(
        [EmbeddingCache(content_hash=h, model=m, vector=v) for h, m, v in _embeddings], ignore_conflicts=True
    )
    yield
    _embeddings[:] = [(e.content_hash, e.model, bytes(e.vector)) for e in EmbeddingCache.objects.all()]
