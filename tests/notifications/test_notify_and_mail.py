"""notify / notify_town: one notification per person and event, approved members only; introductions and
answers go out by e-mail right after the commit, through a real SMTP server, with a one-click unsubscribe."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from notifications.models import NoticeKind, Notification, NotificationSettings
from notifications.services import notify, notify_town
from tests.matching import smtp

pytestmark = pytest.mark.django_db

INTRODUCTION = {
    "kind": NoticeKind.INTRODUCTION,
    "key": "introduction:7",
    "title": "Gröningen sucht Hilfe: „Grünflächen pflegen mit Ehrenamtlichen“",
    "body": "Ihre Kommune hat das gelöst – Gröningen (40 km entfernt) würde gern von Ihnen lernen.",
    "url": "/gesuche/groeningen-gruenflaechen/",
}


def test_an_introduction_is_mailed_at_once_through_smtp(
    members, towns, smtp_server, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        created = notify_town(towns["barleben"], **INTRODUCTION)
    assert [n.user for n in created] == [members["barleben"]]
    ((recipients, message),) = smtp_server.inbox
    assert recipients == ["rathaus@barleben.example"]
    assert message["Subject"].strip() == INTRODUCTION["title"]
    body = message.get_content()
    assert "Gröningen (40 km entfernt) würde gern von Ihnen lernen" in body
    assert f"{settings.SITE_BASE_URL}/gesuche/groeningen-gruenflaechen/" in body
    unsubscribe = str(message["List-Unsubscribe"]).strip()
    assert unsubscribe.startswith(f"<{settings.SITE_BASE_URL}/benachrichtigungen/abmelden/")
    assert unsubscribe[1:-1] in body  # the same one-click link in the text
    assert str(message["List-Unsubscribe-Post"]).strip() == "List-Unsubscribe=One-Click"
    assert Notification.objects.get().emailed_at is not None

    # the same event again: no second notification, no second mail
    with django_capture_on_commit_callbacks(execute=True):
        assert notify_town(towns["barleben"], **INTRODUCTION) == []
    assert len(smtp_server.inbox) == 1 and Notification.objects.count() == 1


def test_members_not_yet_approved_or_inactive_get_nothing(
    members, towns, smtp_server, django_capture_on_commit_callbacks
):
    members["calw"].is_active = False
    members["calw"].save()
    with django_capture_on_commit_callbacks(execute=True):
        created = notify([members["pending"], members["calw"]], **INTRODUCTION)
        created += notify_town(towns["hemmingen_bw"], **INTRODUCTION)
    assert created == [] and not Notification.objects.exists()
    assert smtp_server.inbox == []


def test_no_immediate_mail_when_the_member_switched_it_off(
    members, towns, smtp_server, django_capture_on_commit_callbacks
):
    NotificationSettings.objects.create(user=members["barleben"], email_immediate=False)
    with django_capture_on_commit_callbacks(execute=True):
        notify_town(towns["barleben"], **INTRODUCTION)
    assert smtp_server.inbox == []
    assert Notification.objects.get().emailed_at is None  # it waits in the bell and the digest


def test_a_new_case_notice_is_not_mailed_at_once(members, towns, smtp_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify_town(towns["barleben"], kind=NoticeKind.NEW_CASE, key="new_case:1", title="Neues Praxisbeispiel")
    assert smtp_server.inbox == []


def test_a_failed_mail_is_retried_by_send_digests_and_sent_once(
    members, towns, settings, django_capture_on_commit_callbacks
):
    smtp.smtp_settings(settings, smtp.closed_port())  # the mail server is down
    with django_capture_on_commit_callbacks(execute=True):
        (item,) = notify_town(towns["barleben"], **INTRODUCTION)  # the write itself succeeds
    item.refresh_from_db()
    assert item.emailed_at is None

    server, inbox = smtp.start()
    try:
        smtp.smtp_settings(settings, inbox.port)
        call_command("send_digests", verbosity=0)
        call_command("send_digests", verbosity=0)
    finally:
        server.shutdown()
        server.server_close()
    subjects = [m["Subject"].strip() for _, m in inbox.inbox]
    assert subjects.count(INTRODUCTION["title"]) == 1  # once, not again in the digest either
    assert all("Wochenübersicht" not in s for s in subjects)
    item.refresh_from_db()
    assert item.emailed_at is not None


def test_a_title_with_a_line_break_still_makes_a_clean_subject(
    members, towns, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify_town(towns["barleben"], **{**INTRODUCTION, "title": "Hahnbach sucht dasselbe:\r\nBcc: alle@example.org"})
    ((recipients, message),) = smtp_server.inbox
    assert recipients == ["rathaus@barleben.example"]
    assert message["Subject"].strip() == "Hahnbach sucht dasselbe: Bcc: alle@example.org"
    assert message["Bcc"] is None
