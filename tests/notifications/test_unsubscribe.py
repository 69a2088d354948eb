"""Every e-mail carries a one-click unsubscribe link: no login, works once, expires; a tampered link gets
a German error page, never a 500."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from django.core import signing
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from notifications.digests import digests_send
from notifications.links import VALID_DAYS
from notifications.models import NoticeKind, Notification, NotificationSettings
from notifications.services import notify

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^\s]+(/benachrichtigungen/abmelden/[^\s/]+/)")


@pytest.fixture
def link(members, smtp_server) -> str:
    """The unsubscribe link of Barleben's weekly digest."""
    notify([members["barleben"]], kind=NoticeKind.NEW_CASE, key="new_case:1", title="Neues aus der Börde")
    call_command("send_digests", verbosity=0)
    ((_, message),) = smtp_server.inbox
    (path,) = LINK.findall(message.get_content())
    assert path in str(message["List-Unsubscribe"])
    return path


def test_the_link_asks_first_and_unsubscribes_once_without_login(link, members):
    anonymous = Client(enforce_csrf_checks=True)
    page = anonymous.get(link)
    assert page.status_code == 200
    assert "Ja, keine E-Mails mehr senden" in page.content.decode()
    stored = NotificationSettings.objects.get(user=members["barleben"])
    assert stored.email_digest and stored.email_immediate  # looking does not unsubscribe (link scanners)

    done = anonymous.post(link)
    assert done.status_code == 200 and "Erledigt" in done.content.decode()
    stored.refresh_from_db()
    assert not stored.email_digest and not stored.email_immediate

    again = anonymous.post(link)
    assert again.status_code == 400
    assert "schon verwendet" in again.content.decode()


def test_mail_clients_post_one_click_without_a_session(link, members):
    response = Client(enforce_csrf_checks=True).post(
        link, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert not NotificationSettings.objects.get(user=members["barleben"]).email_digest


def test_after_unsubscribing_no_more_mails(link, members, smtp_server):
    Client().post(link)
    both = [members["barleben"], members["groeningen"]]
    notify(both, kind=NoticeKind.NEW_CASE, key="new_case:2", title="Noch etwas Neues")
    next_week = timezone.now() + dt.timedelta(days=7)
    Notification.objects.filter(key="new_case:2").update(created_at=next_week - dt.timedelta(hours=1))
    digests_send(now=next_week)
    assert [r for r, _ in smtp_server.inbox] == [["rathaus@barleben.example"], ["buergermeisterin@groeningen.example"]]


def test_an_expired_link_is_refused(link, members, monkeypatch):
    later = time.time() + (VALID_DAYS + 1) * 86400
    monkeypatch.setattr(signing.time, "time", lambda: later)
    response = Client().post(link)
    assert response.status_code == 400
    assert "abgelaufen" in response.content.decode()
    assert NotificationSettings.objects.get(user=members["barleben"]).email_digest


@pytest.mark.parametrize("change", ["tamper", "truncate", "garbage"])
def test_a_tampered_link_gets_a_german_error_page(link, members, change):
    token = link.rstrip("/").rsplit("/", 1)[1]
    bad = {
        "tamper": token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb"),
        "truncate": token[: len(token) // 2],
        "garbage": "%C3%A4%22%3E%3Cscript%3E",
    }[change]
    for method in ("get", "post"):
        response = getattr(Client(), method)(f"/benachrichtigungen/abmelden/{bad}/")
        assert response.status_code == 400
        assert "Dieser Abmeldelink ist ungültig" in response.content.decode()
    assert NotificationSettings.objects.get(user=members["barleben"]).email_digest
