"""Reads of the notifications: who may be told, what a member sees in the bell and on the settings page."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from municipalities.models import Municipality, MunicipalityMember
from notifications.models import Notification, NotificationSettings, SavedSearch, TopicFollow
from search.labels import facet_labels

# Saved searches per member: enough for every real interest, few enough to re-run for the nation weekly.
MAX_SAVED_SEARCHES = 20


def members_approved() -> QuerySet[MunicipalityMember]:
    """The one rule for who is told anything: approved members with an active account."""
    return MunicipalityMember.objects.filter(approved=True, user__is_active=True)


def member_approved_get(user: User | AnonymousUser | None) -> MunicipalityMember | None:
    """The signed-in person's approved membership (with its town), else None."""
    if user is None or not user.is_authenticated:
        return None
    return members_approved().select_related("municipality").filter(user_id=user.pk).first()


def notifications_unread_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_list(user: User) -> QuerySet[Notification]:
    """Newest first."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-pk")


def settings_get(user: User) -> NotificationSettings:
    """The stored settings, or the defaults (unsaved) for someone who never changed them."""
    return NotificationSettings.objects.filter(user=user).first() or NotificationSettings(user=user)


def follows_topic_ids(user: User) -> set[int]:
    return set(TopicFollow.objects.filter(user=user).values_list("topic_id", flat=True))


def saved_searches_list(user: User) -> QuerySet[SavedSearch]:
    return SavedSearch.objects.filter(user=user).order_by("-created_at", "-pk")


FILTER_TITLES = {
    "topic": "Thema",
    "size_class": "Größe",
    "state": "Bundesland",
    "status": "Stand",
    "proven": "Übernahme",
}


def saved_searches_described(user: User) -> list[tuple[SavedSearch, list[str]]]:
    """The member's saved searches, each with its filters and near= town in German words
    („Thema: Klimaanpassung“, „Kommunen wie Barleben bevorzugt“)."""
    saved = list(saved_searches_list(user))
    labels = facet_labels()
    towns = dict(Municipality.objects.filter(ags__in={s.near for s in saved if s.near}).values_list("ags", "name"))
    described = []
    for item in saved:
        parts = [
            f"{FILTER_TITLES.get(name, name)}: {', '.join(labels.get(name, {}).get(v, v) for v in values)}"
            for name, values in (item.filters or {}).items()
        ]
        if item.near:
            parts.append(f"Kommunen wie {towns.get(item.near, item.near)} bevorzugt")
        described.append((item, parts))
    return described
