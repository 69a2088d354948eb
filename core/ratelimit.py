"""One rate limiter for every form that sends e-mail or creates something.

A fixed-window counter in Django's cache: the key is the scope plus the account (logged in) or the
client address (anonymous), hashed so that no address or e-mail ends up in a cache key. All limits
are listed in ``LIMITS`` below, so an operator finds them in one place. The cache must be shared by
all worker processes (see ``CACHES`` in config/settings/production.py); counting is approximate under
races (a few extra hits at most), which is good enough against abuse.

The hospitation quota of 10 requests per account and day is a product rule counted from the stored
requests (``matching.hospitation.hospitation_request`` checks it) and stays exact across restarts; the
limits here are the technical brake in front of it.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Limit:
    scope: str
    limit: int  # requests allowed …
    window: int  # … per this many seconds
    per: str = "client"  # "client": account if logged in, else address; "ip": always the address


MINUTE, HOUR, DAY = 60, 3600, 86400

# Every limit of the platform. A municipal office often shares one public address, so limits per
# address are generous; limits per account are tight.
LIMITS: dict[str, Limit] = {
    "login": Limit("login", 30, 15 * MINUTE, per="ip"),  # plus django-axes per account+address
    "register": Limit("register", 5, HOUR, per="ip"),
    "password_reset": Limit("password_reset", 5, HOUR, per="ip"),
    "submission": Limit("submission", 10, DAY),
    "hospitation": Limit("hospitation", 20, HOUR),
    "tandem": Limit("tandem", 10, HOUR),
    "privacy_export": Limit("privacy_export", 20, HOUR),
    "account_delete": Limit("account_delete", 10, HOUR),
    "saved_search": Limit("saved_search", 30, HOUR),  # „Suche speichern“ (20 per member are kept at most)
}


def client_ip(request: HttpRequest) -> str:
    """The client address as django-axes sees it (honours AXES_IPWARE_* behind a reverse proxy)."""
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or "unknown"


def _identity(request: HttpRequest, rule: Limit) -> str:
    user = getattr(request, "user", None)
    if rule.per == "client" and user is not None and user.is_authenticated:
        raw = f"user:{user.pk}"
    else:
        raw = f"ip:{client_ip(request)}"
    # Keyed hash: the cache holds no address in clear text.
    return hashlib.blake2b(raw.encode(), key=settings.SECRET_KEY.encode()[:64], digest_size=16).hexdigest()


def hit(request: HttpRequest, name: str) -> int | None:
    """Counts one attempt; returns None if allowed, else the seconds until the window ends."""
    rule = LIMITS[name]
    window_start = int(time.time()) // rule.window * rule.window
    key = f"ratelimit:{rule.scope}:{_identity(request, rule)}:{window_start}"
    cache.add(key, 0, timeout=rule.window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=rule.window + 5)
        count = 1
    if count <= rule.limit:
        return None
    return max(1, window_start + rule.window - int(time.time()))


def too_many_requests(request: HttpRequest, retry_after: int, message: str | None = None) -> HttpResponse:
    """The German 429 page with a Retry-After header; the same page django-axes shows on lockout."""
    minutes = max(1, round(retry_after / 60))
    response = render(
        request,
        "429.html",
        {
            "message": message
            or _("Zu viele Versuche in kurzer Zeit. Bitte versuchen Sie es in %(minutes)s Minuten noch einmal.")
            % {"minutes": minutes},
        },
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response


def ratelimit(name: str, methods: tuple[str, ...] = ("POST",)) -> Callable:
    """View decorator: counts requests with one of ``methods`` and answers 429 above the limit."""
    if name not in LIMITS:
        raise KeyError(f"Unbekannte Rate-Limit-Regel {name!r}")

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method in methods:
                retry_after = hit(request, name)
                if retry_after is not None:
                    return too_many_requests(request, retry_after)
            return view(request, *args, **kwargs)

        wrapped.ratelimit = name  # lets tests check that every form that sends or creates is limited
        return wrapped

    return decorator
