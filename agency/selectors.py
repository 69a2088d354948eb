"""Reads of the Matching-Agentur. ``needs_public`` is the one rule for which needs anyone may see; the API,
the list page, the town profile and the matching of partners all start from it."""

from __future__ import annotations

from django.db.models import F, Prefetch, QuerySet
from django.utils import timezone

from agency.models import Need, NeedState
from municipalities.models import Municipality
from municipalities.text import fold
from solutions.models import Topic

# Newest published first; a need without a publication date (not expected for an open one) last.
NEWEST_FIRST = (F("published_at").desc(nulls_last=True), "-pk")
# What a list or a need's head shows: its town and its topics, without a query per need.
TOPICS_PREFETCH = Prefetch("topics", queryset=Topic.objects.order_by("slug"))


def needs_public() -> QuerySet[Need]:
    """Open needs that have not expired (``expires`` is the last day they are shown). Pending, hidden and
    closed needs are never public, whoever asks."""
    return Need.objects.filter(state=NeedState.OPEN, expires__gte=timezone.localdate())


def topic_from_input(value: str) -> str | None:
    """The slug of the topic given by slug or name (case, umlaut spelling and „&“ do not matter); None if
    there is no such topic."""
    value = (value or "").strip()
    if not value:
        return None
    folded = fold(value)
    for slug, name in Topic.objects.values_list("slug", "name"):
        if value == slug or fold(name) == folded:
            return slug
    return None


def needs_filtered(
    *, topic: str | None = None, state: str | None = None, size_class: str | None = None, kind: str | None = None
) -> QuerySet[Need]:
    """Public needs, narrowed: ``topic`` by slug or name (an unknown topic matches nothing), ``state`` the
    Land's two-digit code ("15"), ``size_class`` the size class slug, ``kind`` a NeedKind value. Newest
    published first (a need approved today is new today), with town and topics loaded."""
    needs = needs_public()
    if topic:
        needs = needs.filter(topics__slug=topic_from_input(topic) or "")
    if state:
        needs = needs.filter(municipality__state=state)
    if size_class:
        needs = needs.filter(municipality__size_class=size_class)
    if kind:
        needs = needs.filter(kind=kind)
    return needs.select_related("municipality").prefetch_related(TOPICS_PREFETCH).order_by(*NEWEST_FIRST)


def need_by_ref(ref: str) -> Need | None:
    """The public need with this ref; a hidden, pending, closed or expired one looks exactly like a missing one."""
    return needs_public().select_related("municipality").prefetch_related(TOPICS_PREFETCH).filter(ref=ref).first()


def needs_of_town(municipality: Municipality) -> QuerySet[Need]:
    """The town's public needs, newest published first (what its profile and the API show; its members see their own
    pending and closed ones through agency.services)."""
    return (
        needs_public()
        .filter(municipality=municipality)
        .select_related("municipality")
        .prefetch_related(TOPICS_PREFETCH)
        .order_by(*NEWEST_FIRST)
    )
