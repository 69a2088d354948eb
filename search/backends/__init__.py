"""Backend choice and the one fallback. The database backend always exists (it is also the fallback);
Elasticsearch is added when ELASTICSEARCH_URL is set."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import TypeVar

from django.conf import settings

from search.backends.database import DatabaseBackend
from search.candidates import SearchBackend

Answer = TypeVar("Answer")


@lru_cache(maxsize=1)
def database_backend() -> DatabaseBackend:
    return DatabaseBackend()


@lru_cache(maxsize=1)
def _elasticsearch():
    if not settings.ELASTICSEARCH_URL:
        return None
    from search.backends.elasticsearch import ElasticsearchBackend

    return ElasticsearchBackend(
        settings.ELASTICSEARCH_URL, settings.ELASTICSEARCH_INDEX_PREFIX, ca_certs=settings.ELASTICSEARCH_CA_CERTS
    )


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


def answer_with_fallback(ask: Callable[[SearchBackend], Answer]) -> tuple[Answer, bool]:
    """``ask``'s answer from Elasticsearch when it is configured and reachable, else from the database, and
    whether the answer is degraded (Elasticsearch configured but down). An outage met while asking is
    marked, so that the next requests go to the database straight away until the backend retries."""
    backend, degraded = active_external_backend()
    if backend is not None:
        try:
            return ask(backend), False
        except backend.unavailable_errors as exc:
            backend.mark_unavailable(exc)
            degraded = True
    return ask(database_backend()), degraded


def reset_backends() -> None:
    _elasticsearch.cache_clear()
