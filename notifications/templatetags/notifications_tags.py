"""„Suche speichern“ and „Thema folgen“ for the templates of the search and topic pages, which belong to
apps below this one: the tags read the member and the state themselves, so those views stay unchanged."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.shortcuts import resolve_url

from notifications.models import TopicFollow
from notifications.selectors import member_approved_get

register = template.Library()

SAVED_FIELDS = ("topic", "size_class", "state", "status", "proven", "near")


@register.inclusion_tag("notifications/_save_search.html", takes_context=True)
def save_search_form(context) -> dict:
    """The form below the hits of /suche/: the search's words, filters and near= (the member's own town
    when „Kommunen wie meine“ is on), for approved members only."""
    request = context.get("request")
    member = member_approved_get(getattr(request, "user", None))
    if member is None:
        # Guests learn that members can keep a search; a logged-in person waiting for approval needs no hint.
        guest = request is not None and not request.user.is_authenticated
        login = f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': request.get_full_path()})}" if guest else ""
        return {"member": None, "guest": guest, "login_url": login}
    fields = [(name, value) for name, value in context.get("hidden_params", []) if name in SAVED_FIELDS]
    own = context.get("own_town")
    if context.get("prefers_own") and own is not None and not any(name == "near" for name, _ in fields):
        fields.append(("near", own.ags))
    return {
        "member": member,
        "query": context.get("query", ""),
        "fields": fields,
        "messages": context.get("messages"),
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("notifications/_follow_topic.html", takes_context=True)
def topic_follow_button(context, topic) -> dict:
    request = context.get("request")
    member = member_approved_get(getattr(request, "user", None))
    if member is None:
        return {"member": None}
    return {
        "member": member,
        "topic": topic,
        "following": TopicFollow.objects.filter(user_id=member.user_id, topic=topic).exists(),
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def lines(text: str) -> list[str]:
    """A notification's body, one entry per line (the reasons of a match are stored one per line)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]
