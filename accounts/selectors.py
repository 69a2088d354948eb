"""Reads about accounts: whose membership waits for the editors, and who the editors are."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import QuerySet

from municipalities.models import MunicipalityMember
from solutions.services import EDITOR_GROUP


def membership_pending_get(user) -> MunicipalityMember | None:
    """The person's membership while the editors have not approved it yet, else None."""
    if not getattr(user, "is_authenticated", False):
        return None
    member = MunicipalityMember.objects.filter(user=user).select_related("municipality").first()
    return member if member is not None and not member.approved else None


def members_pending() -> QuerySet[MunicipalityMember]:
    """Memberships waiting for approval, oldest first (they have waited longest)."""
    return (
        MunicipalityMember.objects.filter(approved=False, user__is_active=True)
        .select_related("user", "municipality")
        .order_by("created_at", "pk")
    )


def editor_emails() -> list[str]:
    """Where news for the editors goes: the active members of the group „Redaktion“; without any (a fresh
    demo has only its administrator) the active superusers, so that nothing goes unread."""
    for people in (User.objects.filter(groups__name=EDITOR_GROUP), User.objects.filter(is_superuser=True)):
        emails = sorted(set(people.filter(is_active=True).exclude(email="").values_list("email", flat=True)))
        if emails:
            return emails
    return []
