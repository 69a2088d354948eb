"""Keeping the indexes in step with published content.

Every change writes an ``IndexTask`` (the outbox) inside the same transaction (``search.tasks.enqueue``);
after commit the tasks are worked off here (in the background through django-tasks, or by
``search_index sync``). A task is deleted only when every backend took the change, so nothing is lost
while Elasticsearch is down. Failures are logged and never reach the editor who published.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import numpy as np
from django.db.models import QuerySet

from search import analysis
from search.documents import CaseDocument, live_page, prepare_document
from search.embeddings import content_hash, from_bytes, get_embedder, to_bytes
from search.models import EmbeddingCache, IndexTask, SearchEntry

logger = logging.getLogger(__name__)


def embedding_for(document: CaseDocument) -> tuple[str, np.ndarray]:
    return embeddings_for([document])[0]


# Texts embedded per model call: batching amortises the per-call overhead of the model.
EMBED_BATCH = 16


def embeddings_for(documents: list[CaseDocument]) -> list[tuple[str, np.ndarray]]:
    """(content hash, vector) per document; cached vectors are read in one query, the rest embedded
    in batches and cached."""
    embedder = get_embedder()
    texts = [document.embedding_text() for document in documents]
    digests = [content_hash(text, embedder.name) for text in texts]
    vectors = {
        digest: from_bytes(vector)
        for digest, vector in EmbeddingCache.objects.filter(content_hash__in=set(digests)).values_list(
            "content_hash", "vector"
        )
    }
    missing = list({digest: text for digest, text in zip(digests, texts, strict=True) if digest not in vectors}.items())
    for start in range(0, len(missing), EMBED_BATCH):
        chunk = missing[start : start + EMBED_BATCH]
        for (digest, _text), vector in zip(chunk, embedder.passages([text for _, text in chunk]), strict=True):
            vectors[digest] = vector
            EmbeddingCache.objects.get_or_create(
                content_hash=digest, defaults={"model": embedder.name, "vector": to_bytes(vector)}
            )
    return [(digest, vectors[digest]) for digest in digests]


ENTRY_FIELDS = (
    "slug", "url", "title", "summary", "body", "topics", "size_classes", "state", "status", "lead_ags", "lead_name",
    "last_confirmed", "lead_population", "adoptions", "adoptions_in_operation",
    "index_title", "index_teaser", "index_body", "content_hash", "embedding",
    "seq",
)  # fmt: skip


def _entry(document: CaseDocument, digest: str, vector: np.ndarray) -> SearchEntry:
    return SearchEntry(
        page_id=document.page_id,
        slug=document.slug,
        url=document.url,
        title=document.title,
        summary=document.summary,
        body=document.body,
        topics=" ".join(document.topics),
        size_classes=" ".join(document.size_classes),
        state=document.state,
        status=document.status,
        lead_ags=document.lead_ags,
        lead_name=document.lead_name,
        last_confirmed=document.last_confirmed,
        lead_population=document.lead_population,
        adoptions=document.adoptions,
        adoptions_in_operation=document.adoptions_in_operation,
        index_title=" ".join(analysis.analyze(document.title)),
        index_teaser=" ".join(analysis.analyze(f"{document.summary} {' '.join(document.topic_names)}")),
        index_body=" ".join(analysis.analyze(document.body)),
        content_hash=digest,
        embedding=to_bytes(vector),
        seq=time.time_ns(),
    )


def entries_write(items: list[tuple[CaseDocument, str, np.ndarray]]) -> None:
    """Inserts or replaces the database entries of (document, content hash, vector) in one statement
    (an upsert on page_id; the full-text structures follow through the triggers / generated column)."""
    SearchEntry.objects.bulk_create(
        [_entry(document, digest, vector) for document, digest, vector in items],
        update_conflicts=True,
        unique_fields=["page_id"],
        update_fields=ENTRY_FIELDS,
    )


def external_backends() -> list:
    from search.backends import configured_external_backends

    return configured_external_backends()


def index_update(page_id: int) -> None:
    page = live_page(page_id)
    if page is None:
        index_delete(page_id)
        return
    document = prepare_document(page)
    digest, vector = embedding_for(document)
    entries_write([(document, digest, vector)])
    for backend in external_backends():
        backend.index_document(document, vector)


def index_delete(page_id: int) -> None:
    SearchEntry.objects.filter(page_id=page_id).delete()
    for backend in external_backends():
        backend.delete_document(page_id)


def outbox_pages() -> int:
    """How many pages the outbox holds work for (what ``process_outbox`` will process)."""
    return IndexTask.objects.values("page_id").distinct().count()


def _apply_task(page_id: int, action: str) -> None:
    if action == IndexTask.Action.DELETE:
        index_delete(page_id)
    else:
        index_update(page_id)


def process_outbox(
    limit: int | None = None,
    on_page: Callable[[], object] | None = None,
    *,
    queue: QuerySet[IndexTask] | None = None,
    apply: Callable[[int, str], object] = _apply_task,
) -> tuple[int, int]:
    """Works off pending tasks in order; returns (done, failed). Later tasks for the same page
    make earlier ones redundant, so each page is processed once per run. ``on_page`` is called after
    each page (a progress bar). ``queue`` and ``apply`` narrow the run to some tasks and say what a
    task does: ``search_index check`` works off its own task against its throw-away index."""
    queryset = (
        (IndexTask.objects if queue is None else queue)
        .order_by("pk")
        .values_list("pk", "page_id", "action", "attempts")
    )
    tasks = list(queryset[:limit] if limit else queryset)
    by_page: dict[int, list[int]] = {}
    latest: dict[int, tuple[str, int]] = {}
    for pk, page_id, action, attempts in tasks:
        by_page.setdefault(page_id, []).append(pk)
        latest[page_id] = (action, attempts)
    done = failed = 0
    for page_id, (action, attempts) in latest.items():
        covered = by_page[page_id]
        try:
            apply(page_id, action)
        except Exception as exc:
            failed += 1
            IndexTask.objects.filter(pk__in=covered).update(attempts=attempts + 1, last_error=str(exc)[:2000])
            logger.warning("Suchindex: Seite %s nicht aktualisiert (%s); wird wiederholt", page_id, exc)
        else:
            IndexTask.objects.filter(pk__in=covered).delete()
            done += 1
        if on_page is not None:
            on_page()
    return done, failed
