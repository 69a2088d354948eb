"""One-click unsubscribe links: signed (no login, no row per link), expiring and good for one use.

The token signs the account and the moment its settings last changed (``changed_at``). Unsubscribing
changes the settings, so the same link — and every older one — stops working: single use without storing
each link. A link whose settings were changed otherwise since (on the settings page) is void as well;
the page then says so and points to the settings.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from notifications.models import NotificationSettings

SALT = "notifications.unsubscribe"
VALID_DAYS = 60  # a digest read a few weeks late still unsubscribes


class UnsubscribeProblem(Exception):
    """``kind`` is "invalid" (tampered or garbled), "expired" or "used"."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def _stamp(value: NotificationSettings) -> str:
    return value.changed_at.isoformat(timespec="microseconds")


def unsubscribe_token(value: NotificationSettings) -> str:
    return signing.TimestampSigner(salt=SALT).sign_object({"u": value.user_id, "c": _stamp(value)}, compress=True)


def unsubscribe_url(value: NotificationSettings) -> str:
    return settings.SITE_BASE_URL.rstrip("/") + reverse("notifications:unsubscribe", args=[unsubscribe_token(value)])


def unsubscribe_check(token: str, *, lock: bool = False) -> NotificationSettings:
    """The settings a token may switch off, or UnsubscribeProblem."""
    signer = signing.TimestampSigner(salt=SALT)
    try:
        data = signer.unsign_object(token or "", max_age=VALID_DAYS * 86400)
    except signing.SignatureExpired:
        raise UnsubscribeProblem("expired") from None
    except (signing.BadSignature, ValueError, TypeError):
        raise UnsubscribeProblem("invalid") from None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        raise UnsubscribeProblem("invalid")
    rows = NotificationSettings.objects.select_related("user")
    if lock:
        rows = rows.select_for_update(of=("self",))
    found = rows.filter(user_id=data["u"]).first()
    if found is None:
        raise UnsubscribeProblem("invalid")
    if _stamp(found) != data.get("c"):
        raise UnsubscribeProblem("used")
    return found
