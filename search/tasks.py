"""Queueing index work: signals record changes here, the background task works them off through
``search.indexing``. Dependencies run one way: signals → tasks → indexing."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from django_tasks import task

from search.indexing import process_outbox
from search.models import IndexTask

logger = logging.getLogger(__name__)


@task()
def process_index_tasks() -> None:
    process_outbox()


def enqueue(page_ids: list[int], action: str = IndexTask.Action.UPDATE) -> None:
    """Called inside the writing transaction; the work starts after it commits."""
    IndexTask.objects.bulk_create([IndexTask(page_id=pid, action=action) for pid in page_ids])
    transaction.on_commit(_schedule_processing)


_deferred = threading.local()


@contextmanager
def processing_deferred() -> Iterator[None]:
    """Changes made inside only fill the outbox; the caller works it off afterwards (``setup_demo``
    does, with a progress bar, instead of the silent minute the work took behind a finished one)."""
    _deferred.active = True
    try:
        yield
    finally:
        _deferred.active = False


def _schedule_processing() -> None:
    if getattr(_deferred, "active", False):
        return
    try:
        process_index_tasks.enqueue()
    except Exception:  # the outbox keeps the work; `search_index sync` or the next change retries it
        logger.exception("Suchindex: Hintergrundaufgabe konnte nicht gestartet werden")
