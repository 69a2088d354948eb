"""The bell in the header: for approved members, the number of unread notifications (looked up only when
a template asks, so pages for guests make no query)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from notifications.selectors import member_approved_get, notifications_unread_count


def notification_bell(request: HttpRequest) -> dict:
    def bell() -> dict | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or member_approved_get(user) is None:
            return None
        return {"unread": notifications_unread_count(user)}

    return {"notification_bell": SimpleLazyObject(bell)}
