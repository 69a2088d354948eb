"""A lost or unusable database answers with 503 and a German page (JSON for the API), not a traceback.

Django itself reconnects on the next request: ``CONN_HEALTH_CHECKS`` and the ``errors_occurred`` flag
make ``close_old_connections`` drop a broken connection at the request boundary, so one failed
request does not poison the worker.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
DATABASE_ERRORS = (OperationalError, InterfaceError)


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {
                "error": "service_unavailable",
                "detail": "Die Datenbank ist vorübergehend nicht erreichbar. Bitte gleich erneut versuchen.",
            },
            status=503,
        )
    else:
        # Rendered without a request context: context processors could touch the database again.
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DATABASE_ERRORS):
            return None
        # Only the error class and message: the SQL parameters could carry personal data.
        logger.error("Datenbank nicht verfügbar: %s: %s", type(exception).__name__, str(exception).strip()[:300])
        return database_unavailable_response(request)
