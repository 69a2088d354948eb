"""The weekly digest: one e-mail per approved member with the week's notifications not yet e-mailed.

Never twice: for each member a Digest row (unique per member and ISO week) is claimed and committed
*before* the mail goes out. A second run finds the claim and skips the member; a mail the server refuses
gives its claim back, so the next run sends exactly the ones still missing. Only a process killed between
claim and send loses the mails of its current batch (at most CHUNK) — they stay in the bell; sending
twice is the worse failure.

Batched for the nation: one query reads the week's notifications of all recipients, claims are written
CHUNK at a time, and one SMTP connection carries all mails.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.mail import get_connection
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from core.mail import MailNotDelivered, mail_send
from municipalities.models import MunicipalityMember
from notifications.links import unsubscribe_url
from notifications.models import Digest, Notification, NotificationSettings
from notifications.selectors import members_approved
from notifications.services import absolute, mail_links, unsubscribe_headers

CHUNK = 200
# Items not yet in a digest from the last two weeks: the worker runs send_digests every hour, and the first
# run of a week claims the digest, so what came after last week's claim must still fit into this one.
WINDOW = dt.timedelta(days=14)


def digest_period(now: dt.datetime) -> str:
    """The ISO week of ``now`` in local time, e.g. "2026-W49"."""
    year, week, _ = timezone.localtime(now).isocalendar()
    return f"{year}-W{week:02d}"


@dataclass
class DigestItem:
    pk: int
    title: str
    body: str
    url: str
    email: str  # the recipient's address (read with the items, so no second query for 20,000 addresses)


@dataclass
class DigestReport:
    period: str
    recipients: int = 0  # members who get (or, dry run, would get) a digest
    sent: int = 0
    refused: int = 0
    items: int = 0
    aborted: str = ""  # the mail server's error when the run stopped early
    previews: list[str] = field(default_factory=list)


def digest_recipients(period: str, ags: str | None = None) -> QuerySet[MunicipalityMember]:
    """Approved members with an address who want the digest and have none claimed for ``period``."""
    members = members_approved().exclude(user__email="")
    if ags:
        members = members.filter(municipality__ags=ags)
    off = NotificationSettings.objects.filter(email_digest=False).values("user_id")
    claimed = Digest.objects.filter(period=period).values("user_id")
    return members.exclude(user_id__in=off).exclude(user_id__in=claimed)


def digest_items(period: str, now: dt.datetime, ags: str | None = None) -> dict[int, list[DigestItem]]:
    """The unread notifications (up to WINDOW old) of every recipient that went out neither in a digest nor at once,
    by user id (oldest first): one query for all recipients."""
    users = digest_recipients(period, ags).values("user_id")
    rows = (
        Notification.objects.filter(
            user_id__in=users, digest__isnull=True, emailed_at__isnull=True, read_at__isnull=True
        )
        .filter(created_at__gt=now - WINDOW, created_at__lte=now)
        .order_by("user_id", "created_at", "pk")
        .values_list("user_id", "pk", "title", "body", "url", "user__email")
    )
    by_user: dict[int, list[DigestItem]] = defaultdict(list)
    for user_id, pk, title, body, url, email in rows.iterator(chunk_size=5000):
        by_user[user_id].append(DigestItem(pk, title, body, absolute(url) if url else "", email))
    return by_user


def _subject(count: int) -> str:
    return f"Ihre Wochenübersicht: {count} Neuigkeit" + ("" if count == 1 else "en")


def _render(items: list[DigestItem], period: str, unsubscribe: str) -> str:
    return render_to_string(
        "notifications/email/digest.txt",
        {"items": items, "period": period, "unsubscribe": unsubscribe, **mail_links()},
    )


def _settings_for(user_ids: list[int]) -> dict[int, NotificationSettings]:
    NotificationSettings.objects.bulk_create(
        [NotificationSettings(user_id=pk) for pk in user_ids], ignore_conflicts=True
    )
    return {s.user_id: s for s in NotificationSettings.objects.filter(user_id__in=user_ids)}


def _claim(chunk: list[int], items: dict[int, list[DigestItem]], period: str) -> dict[int, int]:
    """Claims the digests of ``chunk`` (committed when this returns); returns {user id: digest id} for
    the claims this run made (a concurrent run's claims are not ours)."""
    run = secrets.token_hex(16)
    with transaction.atomic():
        Digest.objects.bulk_create(
            [Digest(user_id=pk, period=period, run=run, items=len(items[pk])) for pk in chunk], ignore_conflicts=True
        )
        mine = dict(Digest.objects.filter(run=run).values_list("user_id", "pk"))
        for user_id, digest_id in mine.items():
            Notification.objects.filter(pk__in=[i.pk for i in items[user_id]]).update(digest_id=digest_id)
    return mine


def _release(digest_ids: list[int]) -> None:
    """Gives claims back whose mail was not sent: the next run sends them."""
    with transaction.atomic():
        Notification.objects.filter(digest_id__in=digest_ids).update(digest=None)
        Digest.objects.filter(pk__in=digest_ids).delete()


def digests_send(
    *,
    now: dt.datetime | None = None,
    ags: str | None = None,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> DigestReport:
    """Sends (or, ``dry_run``, describes) this week's digests. Runs outside a transaction: every claim
    is committed before its mail goes out."""
    now = now or timezone.now()
    period = digest_period(now)
    report = DigestReport(period)
    items = digest_items(period, now, ags)
    recipients = sorted(items)
    report.recipients = len(recipients)
    report.items = sum(len(v) for v in items.values())
    emails = {user_id: found[0].email for user_id, found in items.items()}
    if dry_run:
        for user_id in recipients:
            lines = [f"{emails[user_id]}: {_subject(len(items[user_id]))}"]
            lines += [f"  – {item.title}" for item in items[user_id]]
            report.previews.append("\n".join(lines))
            if progress:
                progress(1)
        return report
    connection = get_connection()
    try:
        if recipients:
            connection.open()  # one connection for all mails (the backend would open one per mail)
    except OSError as exc:
        report.aborted = str(exc) or exc.__class__.__name__
        return report
    try:
        for start in range(0, len(recipients), CHUNK):
            chunk = recipients[start : start + CHUNK]
            stored = _settings_for(chunk)
            mine = _claim(chunk, items, period)
            sent: list[int] = []
            for position, user_id in enumerate(chunk):
                if user_id not in mine:
                    continue
                link = unsubscribe_url(stored[user_id])
                body = _render(items[user_id], period, link)
                try:
                    mail_send(
                        _subject(len(items[user_id])),
                        body,
                        [emails[user_id]],
                        headers=unsubscribe_headers(link),
                        connection=connection,
                    )
                except MailNotDelivered as exc:
                    if exc.refused:  # this address only: the others may still work
                        _release([mine[user_id]])
                        report.refused += 1
                        continue
                    # the server is gone: give back this and every claim of the chunk not yet sent, and stop
                    _release([mine[u] for u in chunk[position:] if u in mine])
                    report.aborted = str(exc) or exc.__class__.__name__
                    break
                else:
                    sent.append(mine[user_id])
                    report.sent += 1
                finally:
                    if progress:
                        progress(1)
            Digest.objects.filter(pk__in=sent).update(sent_at=timezone.now())
            if report.aborted:
                break
    finally:
        connection.close()
    return report
