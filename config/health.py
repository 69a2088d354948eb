"""``/healthz`` for load balancers and container health checks.

HTTP 200 while the database answers, 503 when it does not. The search backend and the index task
queue are reported but do not fail the check: search falls back to the database ("degraded") and
queued index updates are retried, so the instance can still serve requests.
"""

from __future__ import annotations

import logging

from django.db import connection
from django.db.models import Count, Min, Q
from django.http import HttpRequest, JsonResponse
from django.utils import timezone

logger = logging.getLogger(__name__)

# A probe must answer quickly even when Elasticsearch hangs.
SEARCH_PING_TIMEOUT_SECONDS = 1.0


def database_state() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any failure means "not healthy"; the reason goes to the log, not the client
        logger.error("Zustandsprüfung: Datenbank nicht erreichbar (%s)", type(exc).__name__)
        return False
    return True


def search_state() -> dict[str, object]:
    """Which backend answers searches, whether it is reachable, whether search runs degraded."""
    from search.backends import configured_external_backends

    externals = configured_external_backends()
    if not externals:
        return {"backend": "database", "reachable": True, "degraded": False}
    backend = externals[0]
    try:
        reachable = bool(backend.client.options(request_timeout=SEARCH_PING_TIMEOUT_SECONDS, max_retries=0).ping())
    except Exception:  # ping() returns False on connection errors; anything else counts as unreachable too
        reachable = False
    return {"backend": backend.name, "reachable": reachable, "degraded": not reachable}


def task_queue_state() -> dict[str, object]:
    """The search index outbox: pending tasks, age of the oldest one, tasks that failed at least once."""
    from search.models import IndexTask

    queue = IndexTask.objects.aggregate(
        pending=Count("pk"), oldest=Min("created_at"), failed=Count("pk", filter=Q(attempts__gt=0))
    )
    oldest = queue["oldest"]
    return {
        "pending": queue["pending"],
        "oldest_pending_seconds": round((timezone.now() - oldest).total_seconds(), 1) if oldest else None,
        "failed": queue["failed"],
    }


def healthz(request: HttpRequest) -> JsonResponse:
    body: dict[str, object] = {"status": "error", "database": "error", "search": None, "tasks": None}
    if not database_state():
        return _response(body, 503)
    body["database"] = "ok"
    try:
        body["tasks"] = task_queue_state()
    except Exception as exc:  # the database answered SELECT 1 but not this; treat it as down
        logger.error("Zustandsprüfung: Warteschlange nicht lesbar (%s)", type(exc).__name__)
        body["database"] = "error"
        return _response(body, 503)
    body["search"] = search_state()
    degraded = body["search"]["degraded"] or body["tasks"]["failed"]  # type: ignore[index]
    body["status"] = "degraded" if degraded else "ok"
    return _response(body, 200)


def _response(body: dict[str, object], status: int) -> JsonResponse:
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    return response
