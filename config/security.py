"""Security glue used by the settings: CSP per area, django-axes hooks, a log filter against personal data."""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import timedelta

from csp.constants import NONE, SELF
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.translation import gettext as _

# The public site: no inline script, no inline style, nothing from other hosts.
PUBLIC_POLICY: dict[str, list[str]] = {
    "default-src": [SELF],
    "script-src": [SELF],
    "style-src": [SELF],
    "img-src": [SELF, "data:"],
    "font-src": [SELF],
    "connect-src": [SELF],
    "frame-src": [NONE],
    "object-src": [NONE],
    "base-uri": [SELF],
    "form-action": [SELF],
    "frame-ancestors": [NONE],
}

# The Wagtail admin still renders inline <script> blocks (inline panels, date widgets) and inline
# styles, so it needs 'unsafe-inline' there. Only editors reach it, and it still loads nothing from
# other hosts. The page preview is an iframe of the admin itself, hence frame-src/-ancestors 'self'.
ADMIN_POLICY: dict[str, list[str]] = {
    **PUBLIC_POLICY,
    "script-src": [SELF, "'unsafe-inline'"],
    "style-src": [SELF, "'unsafe-inline'"],
    "img-src": [SELF, "data:", "blob:"],
    "frame-src": [SELF],
    "frame-ancestors": [SELF],
}
ADMIN_PREFIX = "/admin/"


class AreaCSPMiddleware(CSPMiddleware):
    """django-csp with the strict policy from settings everywhere except the Wagtail admin."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and parts.config is None and request.path_info.startswith(ADMIN_PREFIX):
            parts.config = ADMIN_POLICY
        return parts


# --- django-axes -----------------------------------------------------------------------------------


def axes_lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """Locked out after too many wrong passwords: the same German 429 page as every rate limit."""
    from core.ratelimit import too_many_requests

    cool_off = settings.AXES_COOLOFF_TIME
    seconds = int(cool_off.total_seconds()) if isinstance(cool_off, timedelta) else 15 * 60
    return too_many_requests(
        request,
        seconds,
        _(
            "Zu viele fehlgeschlagene Anmeldeversuche. Die Anmeldung ist für %(minutes)s Minuten gesperrt. "
            "Wenn Sie Ihr Passwort vergessen haben, setzen Sie es zurück."
        )
        % {"minutes": max(1, seconds // 60)},
    )


def pseudonym(value: str) -> str:
    """A stable, keyed pseudonym for logs: the same person is recognisable, but not identifiable."""
    digest = hashlib.blake2b(value.lower().encode(), key=settings.SECRET_KEY.encode()[:64], digest_size=6)
    return digest.hexdigest()


def axes_client_str(username: str, ip_address: str, user_agent: str, path_info: str, request: HttpRequest) -> str:
    """What django-axes writes into the log instead of the user name (an e-mail address here)."""
    return f"{{account: {pseudonym(username or '')}, path: {path_info}}}"


# --- logs ------------------------------------------------------------------------------------------

EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


class RedactPersonalDataFilter(logging.Filter):
    """Last line of defence: replaces e-mail addresses in every log line with a pseudonym.

    Our own code never logs names or addresses; this catches third-party messages (e.g. an SMTP
    error that quotes a recipient)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not lose the log line
            return True
        if "@" in message:
            record.msg = _redact(message)
            record.args = None
        if record.exc_info and not record.exc_text:
            # Tracebacks quote values too; format them now so the redacted text is what gets written.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text and "@" in record.exc_text:
            record.exc_text = _redact(record.exc_text)
        return True


def _redact(text: str) -> str:
    return EMAIL_RE.sub(lambda m: f"<E-Mail {pseudonym(m.group(0))}>", text)


# --- hostile input -------------------------------------------------------------------------------


class RejectNullBytesMiddleware:
    """Answers 400 to a request with a NUL character in its path, query or form fields.

    PostgreSQL cannot store or even compare text containing NUL, so a ``?solution=%00`` reaching a
    query would end in a 500. Forms already refuse it field by field; this catches every other
    place that reads request parameters, in one spot."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._has_null(request):
            return self._bad_request(request)
        return self.get_response(request)

    @staticmethod
    def _has_null(request: HttpRequest) -> bool:
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            return True
        if any("\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()):
            return True
        content_type = request.content_type or ""
        if request.method == "POST" and content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            return any("\x00" in key or any("\x00" in v for v in values) for key, values in request.POST.lists())
        return False

    @staticmethod
    def _bad_request(request: HttpRequest) -> HttpResponse:
        from django.http import JsonResponse
        from django.shortcuts import render

        detail = _("Die Anfrage enthält ein Steuerzeichen (NUL); das ist in keinem Feld und Parameter erlaubt.")
        if request.path.startswith("/api/"):  # same code the search API uses for control characters in q
            return JsonResponse({"error": "invalid_query", "detail": detail}, status=400)
        return render(request, "400.html", {"exception": detail}, status=400)
