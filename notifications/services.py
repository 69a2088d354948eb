"""Writes of the notifications: what a member is told, follows, saved searches, settings.

(Interface fixed first; the notifications work fills it in.)"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import User

from municipalities.models import Municipality
from notifications.models import Notification


def notify(
    users: Iterable[User], *, kind: str, key: str, title: str, body: str = "", url: str = ""
) -> list[Notification]:
    """One notification per user for one event (``key`` makes a repeat a no-op). Approved members only.
    Kinds in IMMEDIATE_KINDS are also e-mailed right after the commit (if the member wants that)."""
    return []


def notify_town(
    municipality: Municipality, *, kind: str, key: str, title: str, body: str = "", url: str = ""
) -> list[Notification]:
    """``notify`` for every approved, active member of the town."""
    return []
