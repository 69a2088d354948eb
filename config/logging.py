"""Structured logs: one JSON object per line in production, a readable line in development.

Every record written while a request is handled carries its request id (from ``X-Request-ID`` set by
the reverse proxy, or a new one), so an operator can follow one request through the log. The access
line holds method, path, status and duration only: no query strings (search words, form input),
no user names or e-mail addresses, and the secret parts of password-reset links are masked.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
import time
import uuid
from collections.abc import Callable

from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponse

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
access_logger = logging.getLogger("baukasten.request")

_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# URL keyword arguments whose values are secrets (password reset: uidb64 and token).
_SECRET_KWARGS = frozenset({"uidb64", "token"})
# Fields of ``extra={...}`` that go into the JSON line; anything else is dropped on purpose.
_EXTRA_FIELDS = ("method", "path", "status", "duration_ms")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """``{"time", "level", "logger", "message", "request_id", ...}`` per line, UTC timestamps."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None) or request_id_var.get()
        if request_id:
            entry["request_id"] = request_id
        for name in _EXTRA_FIELDS:
            if name in record.__dict__:
                entry[name] = record.__dict__[name]
        if record.exc_info:
            # exc_text, when set, is the traceback the redaction filter (config/security.py) already cleaned.
            entry["exception"] = record.exc_text or self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def loggable_path(request: HttpRequest) -> str:
    """The path without query string; secret URL parts replaced by their parameter name."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    if match is not None:
        for name, value in match.kwargs.items():
            if name in _SECRET_KWARGS and isinstance(value, str) and value:
                path = path.replace(value, f"<{name}>")
    return path[:300]


class RequestLogMiddleware:
    """Outermost middleware: assigns the request id and writes one access line per request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        # Not reset on the way out: Django logs "Not Found"/"Bad Request" after the middleware returns;
        # request_finished clears it (see _clear_request_id).
        request_id_var.set(request_id)
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        response["X-Request-ID"] = request_id
        path = loggable_path(request)
        level = logging.ERROR if response.status_code >= 500 else logging.INFO
        if path == "/healthz" and response.status_code == 200:
            level = logging.DEBUG  # load balancer probes every few seconds would drown the log
        access_logger.log(
            level,
            "%s %s %s %.1fms",
            request.method,
            path,
            response.status_code,
            duration_ms,
            extra={
                "request_id": request_id,
                "method": request.method,
                "path": path,
                "status": response.status_code,
                "duration_ms": duration_ms,
            },
        )
        return response


def _clear_request_id(**kwargs: object) -> None:
    request_id_var.set(None)


request_finished.connect(_clear_request_id, dispatch_uid="config.logging.clear_request_id")
