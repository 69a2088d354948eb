"""Writes of the notifications: what a member is told, follows, saved searches, settings, unsubscribing.

Producers (the Matching-Agentur, ``notifications.collect``) call ``notify`` / ``notify_town``; the key
names the event, and one row per person and key makes every repeat a no-op. Introductions and answers
(IMMEDIATE_KINDS) are e-mailed right after the commit; a mail that fails stays „not e-mailed“ and
``send_digests`` tries it again before it builds the digests.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core.mail import MailNotDelivered, mail_send
from municipalities.models import Municipality
from notifications.links import unsubscribe_url
from notifications.models import (
    IMMEDIATE_KINDS,
    Digest,
    Notification,
    NotificationSettings,
    SavedSearch,
    TopicFollow,
)
from notifications.selectors import MAX_SAVED_SEARCHES, members_approved
from solutions.models import Topic

logger = logging.getLogger(__name__)

# A failed immediate mail is tried again by send_digests for this long; after that it waits in the bell
# (and in the next digest) instead of arriving as „sofort“ days late.
RETRY_DAYS = 7
BATCH = 1000


class RefusedError(Exception):
    """The member may not do this (now); the message is shown to them as is."""


def absolute(url: str) -> str:
    return settings.SITE_BASE_URL.rstrip("/") + url if url.startswith("/") else url


def unsubscribe_headers(url: str) -> dict[str, str]:
    """RFC 8058 one-click unsubscribe: mail clients POST ``List-Unsubscribe=One-Click`` to the URL."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


# --- telling members ----------------------------------------------------------------------------------


def notifications_create(rows: Iterable[Notification]) -> None:
    """Stores many notifications at once; a (user, key) that exists already is skipped. The caller has
    checked that every user is an approved member (``notify`` does, ``notifications.collect`` starts from
    the approved members)."""
    Notification.objects.bulk_create(list(rows), batch_size=BATCH, ignore_conflicts=True)


def notify(
    users: Iterable[User], *, kind: str, key: str, title: str, body: str = "", url: str = ""
) -> list[Notification]:
    """One notification per user for one event (``key`` makes a repeat a no-op). Approved members only.
    Kinds in IMMEDIATE_KINDS are also e-mailed right after the commit (if the member wants that).
    Returns the notifications created by this call."""
    ids = {user.pk for user in users}
    allowed = set(members_approved().filter(user_id__in=ids).values_list("user_id", flat=True))
    existing = set(Notification.objects.filter(key=key, user_id__in=allowed).values_list("user_id", flat=True))
    fresh = sorted(allowed - existing)
    if not fresh:
        return []
    notifications_create(
        Notification(user_id=uid, kind=kind, key=key, title=title[:300], body=body, url=url[:500]) for uid in fresh
    )
    created = list(Notification.objects.filter(key=key, user_id__in=fresh).order_by("pk"))
    if kind in IMMEDIATE_KINDS:
        pks = [n.pk for n in created]
        # robust: a mail problem is logged and retried by send_digests, never an error for the caller's request
        transaction.on_commit(lambda: notifications_mail_immediate(pks), robust=True)
    return created


def notify_town(
    municipality: Municipality, *, kind: str, key: str, title: str, body: str = "", url: str = ""
) -> list[Notification]:
    """``notify`` for every approved, active member of the town."""
    users = User.objects.filter(pk__in=members_approved().filter(municipality=municipality).values("user_id"))
    return notify(users, kind=kind, key=key, title=title, body=body, url=url)


def _wants_immediate(user: User) -> bool:
    stored = NotificationSettings.objects.filter(user=user).first()
    return stored is None or stored.email_immediate


def notifications_mail_immediate(pks: Iterable[int]) -> tuple[int, int]:
    """E-mails the given notifications one by one, each to its member if they are still an approved
    member and want immediate mails. Each is claimed first (``emailed_at`` set by a conditional update),
    so two runs never both send it; a failed send gives the claim back for the next try.
    Returns (sent, failed)."""
    sent = failed = 0
    approved = members_approved()
    for item in Notification.objects.filter(pk__in=list(pks), emailed_at__isnull=True).select_related("user"):
        user = item.user
        if not user.email or not approved.filter(user=user).exists() or not _wants_immediate(user):
            continue
        if not Notification.objects.filter(pk=item.pk, emailed_at__isnull=True).update(emailed_at=timezone.now()):
            continue  # another process claimed it
        link = unsubscribe_url(settings_ensure(user))
        body = render_to_string(
            "notifications/email/immediate.txt",
            {"item": item, "url": absolute(item.url) if item.url else "", "unsubscribe": link, **mail_links()},
        )
        try:
            mail_send(item.title, body, [user.email], headers=unsubscribe_headers(link))
        except MailNotDelivered as exc:
            Notification.objects.filter(pk=item.pk).update(emailed_at=None)
            logger.warning("Benachrichtigung %s nicht zugestellt: %s", item.pk, exc)
            failed += 1
        else:
            sent += 1
    return sent, failed


def notifications_pending_immediate() -> list[int]:
    """Immediate notifications of the last RETRY_DAYS whose mail has not gone out yet (a failed send)."""
    since = timezone.now() - dt.timedelta(days=RETRY_DAYS)
    off = NotificationSettings.objects.filter(email_immediate=False).values("user_id")
    return list(
        Notification.objects.filter(
            kind__in=list(IMMEDIATE_KINDS), emailed_at__isnull=True, digest__isnull=True, created_at__gte=since
        )
        .exclude(user_id__in=off)
        .values_list("pk", flat=True)
    )


def mail_links() -> dict[str, str]:
    return {
        "list_url": absolute(reverse("notifications:list")),
        "settings_url": absolute(reverse("notifications:settings")),
    }


# --- the bell ------------------------------------------------------------------------------------------


def notifications_mark_read(user: User, pks: Iterable[int] | None = None) -> int:
    """Marks the member's notifications (all, or those of ``pks``) as read; others' ids are ignored."""
    items = Notification.objects.filter(user=user, read_at__isnull=True)
    if pks is not None:
        items = items.filter(pk__in=list(pks))
    return items.update(read_at=timezone.now())


# --- settings, follows, saved searches -----------------------------------------------------------------


def settings_ensure(user: User) -> NotificationSettings:
    value, _ = NotificationSettings.objects.get_or_create(user=user)
    return value


@transaction.atomic
def settings_update(user: User, *, email_immediate: bool, email_digest: bool, topics: Iterable[Topic]) -> None:
    """Stores the two e-mail switches and replaces the followed topics by ``topics``."""
    value = settings_ensure(user)
    value.email_immediate, value.email_digest = email_immediate, email_digest
    value.save()
    wanted = {topic.pk for topic in topics}
    TopicFollow.objects.filter(user=user).exclude(topic_id__in=wanted).delete()
    have = set(TopicFollow.objects.filter(user=user).values_list("topic_id", flat=True))
    TopicFollow.objects.bulk_create(
        [TopicFollow(user=user, topic_id=pk) for pk in wanted - have], ignore_conflicts=True
    )


def topic_follow(user: User, topic: Topic) -> bool:
    """Follows the topic; False if the member followed it already."""
    _, created = TopicFollow.objects.get_or_create(user=user, topic=topic)
    return created


def topic_unfollow(user: User, topic: Topic) -> bool:
    return TopicFollow.objects.filter(user=user, topic=topic).delete()[0] > 0


@transaction.atomic
def saved_search_create(user: User, *, text: str, filters: dict[str, list[str]], near: str) -> tuple[SavedSearch, bool]:
    """Stores a search (words, filters, near=) for the member. The same search twice is stored once
    (returns it with False); beyond MAX_SAVED_SEARCHES the member is refused with a German sentence."""
    filters = {name: sorted(values) for name, values in filters.items() if values}
    # the member's own row, locked, serialises two saves of the same person (the cap holds)
    User.objects.select_for_update().filter(pk=user.pk).first()
    mine = SavedSearch.objects.filter(user=user)
    for saved in mine.filter(text=text, near=near):
        if saved.filters == filters:
            return saved, False
    if mine.count() >= MAX_SAVED_SEARCHES:
        raise RefusedError(
            f"Sie haben schon {MAX_SAVED_SEARCHES} Suchen gespeichert. Bitte löschen Sie zuerst eine in den "
            "Benachrichtigungseinstellungen."
        )
    return SavedSearch.objects.create(user=user, text=text, filters=filters, near=near), True


def saved_search_delete(user: User, pk: int) -> bool:
    """Deletes one of the member's saved searches; someone else's id deletes nothing."""
    return SavedSearch.objects.filter(user=user, pk=pk).delete()[0] > 0


@transaction.atomic
def unsubscribe_apply(value: NotificationSettings) -> None:
    """Switches off every e-mail of the member (the bell stays). Saving changes ``changed_at``, which
    voids the link that was used (notifications.links)."""
    value.email_immediate = value.email_digest = False
    value.save()


# --- Meine Daten ----------------------------------------------------------------------------------------


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def notifications_personal_data(user: User) -> dict:
    """Follows, saved searches, notifications and e-mail settings of the person, for the export."""
    stored = NotificationSettings.objects.filter(user=user).first()
    return {
        "settings": None
        if stored is None
        else {
            "email_immediate": stored.email_immediate,
            "email_digest": stored.email_digest,
            "changed_at": _iso(stored.changed_at),
        },
        "followed_topics": sorted(TopicFollow.objects.filter(user=user).values_list("topic__slug", flat=True)),
        "saved_searches": [
            {"text": s.text, "filters": s.filters, "near": s.near, "created_at": _iso(s.created_at)}
            for s in SavedSearch.objects.filter(user=user).order_by("created_at", "pk")
        ],
        "notifications": [
            {
                "kind": n.kind,
                "title": n.title,
                "body": n.body,
                "url": n.url,
                "created_at": _iso(n.created_at),
                "read_at": _iso(n.read_at),
                "emailed_at": _iso(n.emailed_at),
            }
            for n in Notification.objects.filter(user=user).order_by("created_at", "pk")
        ],
        "digests": [
            {"week": d.period, "sent_at": _iso(d.sent_at), "items": d.items}
            for d in Digest.objects.filter(user=user).order_by("claimed_at")
        ],
    }


def notifications_delete_for(user: User) -> dict[str, int]:
    """Deletes everything of this app about the person (the account row itself is anonymised by
    accounts.privacy, so nothing cascades)."""
    counts = {}
    for name, model in (
        ("notifications", Notification),
        ("followed_topics", TopicFollow),
        ("saved_searches", SavedSearch),
        ("digests", Digest),
        ("notification_settings", NotificationSettings),
    ):
        counts[name] = model.objects.filter(Q(user=user)).delete()[0]
    return counts
