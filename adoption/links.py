"""The one-click status link of a reminder: signed (no login, no row per link), expiring, good for one answer.

The token signs the reminder and the member it was mailed to. Answering marks the reminder answered, so the
link of every member of that town stops working at once („bereits benutzt“); the next due date brings a new
reminder with new links."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User
from django.core import signing
from django.urls import reverse

from adoption.models import AdoptionReminder

SALT = "adoption.status-link"
VALID_DAYS = 45  # long enough for a reminder read after the holidays, short enough that old mails go stale


class LinkProblem(Exception):
    """``kind`` is "invalid" (tampered or garbled), "expired", "used" or "not_member"."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def status_token(reminder: AdoptionReminder, user: User) -> str:
    return signing.TimestampSigner(salt=SALT).sign_object({"r": reminder.pk, "u": user.pk}, compress=True)


def status_url(reminder: AdoptionReminder, user: User) -> str:
    return settings.SITE_BASE_URL.rstrip("/") + reverse("adoption:status-link", args=[status_token(reminder, user)])


def status_check(token: str) -> tuple[AdoptionReminder, User]:
    """The reminder and the member a token speaks for, or LinkProblem. Whether the member still belongs to the
    town is checked by the caller (``reminder_answer`` does, under the row lock)."""
    try:
        data = signing.TimestampSigner(salt=SALT).unsign_object(token or "", max_age=VALID_DAYS * 86400)
    except signing.SignatureExpired:
        raise LinkProblem("expired") from None
    except (signing.BadSignature, ValueError, TypeError):
        raise LinkProblem("invalid") from None
    if not isinstance(data, dict) or not isinstance(data.get("r"), int) or not isinstance(data.get("u"), int):
        raise LinkProblem("invalid")
    reminder = AdoptionReminder.objects.select_related("plan__page", "plan__municipality").filter(pk=data["r"]).first()
    user = User.objects.filter(pk=data["u"], is_active=True).first()
    if reminder is None or user is None:
        raise LinkProblem("invalid")
    if reminder.answered_at is not None:
        raise LinkProblem("used")
    return reminder, user
