"""Backend choice. The database backend always exists (it is also the fallback); Elasticsearch is
added when ELASTICSEARCH_URL is set."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=1)
def _elasticsearch():
    if not settings.ELASTICSEARCH_URL:
        return None
    from search.backends.elasticsearch import ElasticsearchBackend

    return ElasticsearchBackend(settings.ELASTICSEARCH_URL, settings.ELASTICSEARCH_INDEX_PREFIX)


def configured_external_backends() -> list:
    backend = _elasticsearch()
    return [backend] if backend is not None else []


def active_external_backend():
    """(backend to ask, degraded): degraded means configured but known to be down right now."""
    backend = _elasticsearch()
    if backend is None:
        return None, False
    if not backend.available():
        return None, True
    return backend, False


def reset_backends() -> None:
    _elasticsearch.cache_clear()
