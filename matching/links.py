"""Answer links for people without an account: random, stored only as a hash, single use, expiring.

A random token (not django.core.signing) because single use needs a row anyway: the row's ``used_at``
is what makes the second click fail, and the hash means a database copy cannot answer requests.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from matching.models import HospitationLink, HospitationRequest

LINK_VALID_DAYS = 21
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,100}$")


class LinkProblem(Exception):
    """The link cannot be used; ``kind`` is "invalid", "expired" or "used" (each has its own German page)."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


@dataclass(frozen=True)
class IssuedLink:
    link: HospitationLink
    url: str


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hospitation_link_issue(request: HospitationRequest, email: str, now: dt.datetime | None = None) -> IssuedLink:
    """A new answer link for ``request`` sent to ``email``. Earlier links stay valid until used or
    expired; once the request is decided, they show its state instead of a form."""
    now = now or timezone.now()
    token = secrets.token_urlsafe(32)
    link = HospitationLink.objects.create(
        request=request, token_hash=_hash(token), email=email, expires_at=now + dt.timedelta(days=LINK_VALID_DAYS)
    )
    # SITE_BASE_URL carries scheme, host and port (the demo sets it to its PORT).
    return IssuedLink(link, settings.SITE_BASE_URL.rstrip("/") + reverse("matching:answer", args=[token]))


def hospitation_link_get(token: str, *, lock: bool = False, now: dt.datetime | None = None) -> HospitationLink:
    """The link row for a token, or LinkProblem. ``lock`` row-locks it (inside a transaction) so two
    clicks at once cannot both use it."""
    if not _TOKEN_RE.match(token or ""):
        raise LinkProblem("invalid")
    links = HospitationLink.objects.select_related("request__solution", "request__host", "request__visitor")
    if lock:
        links = links.select_for_update(of=("self",))
    link = links.filter(token_hash=_hash(token)).first()
    if link is None:
        raise LinkProblem("invalid")
    if link.used_at is not None:
        raise LinkProblem("used")
    if link.expires_at <= (now or timezone.now()):
        raise LinkProblem("expired")
    return link
