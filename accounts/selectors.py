"""Reads about accounts: whose membership waits for the editors, and who the editors are."""

from __future__ import annotations

from django.db.models import QuerySet

from municipalities.models import MunicipalityMember

# editor_emails lives beside the editors' group so that matching (a lower floor) can use the same rule.
from solutions.services import editor_emails  # noqa: F401 - re-exported for accounts.services


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
