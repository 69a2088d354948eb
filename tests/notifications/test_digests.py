"""The weekly digest through a real SMTP server: the week's notifications, once per member and week —
also when the command runs twice or stopped half-way — to approved members only; a dry run writes nothing."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from notifications.models import Digest, NoticeKind, Notification, NotificationSettings, PullMark
from notifications.services import notify
from tests.matching import smtp
from tests.notifications.refusing_smtp import start_refusing

pytestmark = pytest.mark.django_db

ITEMS = [
    ("new_case:11", "Neues Praxisbeispiel aus Gröningen: Grünflächen pflegen mit Paten"),
    ("new_case:12", "Neuer Treffer für Ihre gespeicherte Suche „Straßenbeleuchtung“: LED-Laternen"),
]


@pytest.fixture
def week(members):
    """Two notifications for each approved member; a read one, one from last month and one for the member
    still waiting for approval (none of those three may appear in a digest)."""
    approved = [members["barleben"], members["groeningen"], members["calw"]]
    for key, title in ITEMS:
        notify(approved, kind=NoticeKind.NEW_CASE, key=key, title=title, body="Aus einer Kommune wie Ihrer.")
    (read,) = notify([members["barleben"]], kind=NoticeKind.NEW_CASE, key="new_case:13", title="Schon gelesen")
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())
    (old,) = notify([members["calw"]], kind=NoticeKind.NEW_CASE, key="new_case:14", title="Aus dem letzten Monat")
    Notification.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=30))
    # a pending member never has notifications (notify refuses), so give one directly
    Notification.objects.create(user=members["pending"], kind=NoticeKind.NEW_CASE, key="x", title="Für Wartende")
    return approved


def run(**options) -> str:
    out = StringIO()
    call_command("send_digests", stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def by_recipient(inbox) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for recipients, message in inbox.inbox:
        for address in recipients:
            found.setdefault(address, []).append(message.get_content())
    return found


def test_the_digest_has_the_weeks_items_and_goes_once(week, smtp_server):
    run()
    run()  # the second run (cron twice, an operator's retry) sends nothing again
    got = by_recipient(smtp_server)
    assert sorted(got) == ["buergermeisterin@groeningen.example", "ob@calw.example", "rathaus@barleben.example"]
    for bodies in got.values():
        (body,) = bodies
        assert ITEMS[0][1] in body and ITEMS[1][1] in body
        assert "Schon gelesen" not in body and "Aus dem letzten Monat" not in body
        assert "/benachrichtigungen/abmelden/" in body
    (_, first), *_ = smtp_server.inbox
    assert first["Subject"].strip() == "Ihre Wochenübersicht: 2 Neuigkeiten"
    assert str(first["List-Unsubscribe-Post"]).strip() == "List-Unsubscribe=One-Click"
    period = "{}-W{:02d}".format(*timezone.localdate().isocalendar()[:2])
    assert Digest.objects.filter(period=period, sent_at__isnull=False, items=2).count() == 3
    assert "neu@hemmingen.example" not in got


def test_a_run_stopped_half_way_is_completed_by_the_next_without_duplicates(week, settings):
    # the server refuses the second recipient (by id: Gröningen) – as if the run had crashed there
    server, inbox = start_refusing({"buergermeisterin@groeningen.example"})
    try:
        smtp.smtp_settings(settings, inbox.port)
        output = run()
    finally:
        server.shutdown()
        server.server_close()
    assert "1 Adresse abgelehnt (der nächste Lauf versucht sie erneut)" in output
    assert sorted(by_recipient(inbox)) == ["ob@calw.example", "rathaus@barleben.example"]

    server, inbox = smtp.start()
    try:
        smtp.smtp_settings(settings, inbox.port)
        run()
        run()
    finally:
        server.shutdown()
        server.server_close()
    got = by_recipient(inbox)
    assert list(got) == ["buergermeisterin@groeningen.example"] and len(got[next(iter(got))]) == 1
    assert ITEMS[0][1] in got["buergermeisterin@groeningen.example"][0]


def test_when_the_mail_server_is_down_nothing_is_lost(week, settings):
    smtp.smtp_settings(settings, smtp.closed_port())
    with pytest.raises(CommandError, match="Mailserver ist ausgefallen"):
        run()
    assert not Digest.objects.exists()  # every claim was given back
    server, inbox = smtp.start()
    try:
        smtp.smtp_settings(settings, inbox.port)
        run()
    finally:
        server.shutdown()
        server.server_close()
    assert len(inbox.inbox) == 3


def test_members_who_switched_the_digest_off_get_none(week, members, smtp_server):
    NotificationSettings.objects.create(user=members["calw"], email_digest=False)
    run()
    assert "ob@calw.example" not in by_recipient(smtp_server)
    assert len(smtp_server.inbox) == 2


def test_no_items_no_mail(members, smtp_server):
    run()
    assert smtp_server.inbox == [] and not Digest.objects.exists()


def test_dry_run_prints_each_recipient_and_writes_nothing(week, members, smtp_server):
    from matching.models import TandemRound

    TandemRound.objects.create(
        title="Tandem 2027",
        application_start=timezone.localdate() - dt.timedelta(days=1),
        application_end=timezone.localdate() + dt.timedelta(days=20),
    )
    before = (Notification.objects.count(), Digest.objects.count(), NotificationSettings.objects.count())
    output = run(dry_run=True)
    assert "Probelauf" in output
    assert "rathaus@barleben.example: Ihre Wochenübersicht: 3 Neuigkeiten" in output
    assert f"  – {ITEMS[0][1]}" in output
    assert "Tandem-Runde „Tandem 2027“" in output  # the collected events are previewed too …
    # … in German, in the conditional (nothing was sent), and in the singular or plural as the count says
    assert "Tandem-Runde geöffnet: 3" in output and "tandem_round" not in output
    assert re.search(
        r"Woche \d{4}-W\d\d: 3 Personen würden eine Wochenübersicht mit zusammen \d+ Einträgen erhalten\.", output
    )
    assert "erhielten" not in output and "(en)" not in output
    assert (Notification.objects.count(), Digest.objects.count(), NotificationSettings.objects.count()) == before
    assert not PullMark.objects.exists()  # … and not stored
    assert smtp_server.inbox == []
    assert "neu@hemmingen.example" not in output


def test_a_dry_run_for_one_person_speaks_in_the_singular(week, smtp_server):
    output = run(ags="15083245", dry_run=True)
    assert "1 Person würde eine Wochenübersicht mit 2 Einträgen erhalten." in output
    assert smtp_server.inbox == []
    Notification.objects.all().delete()
    assert "niemand würde eine Wochenübersicht erhalten." in run(ags="15083245", dry_run=True)


def test_ags_limits_the_run_to_one_town(week, smtp_server):
    output = run(ags="15083245")
    assert list(by_recipient(smtp_server)) == ["buergermeisterin@groeningen.example"]
    assert "1 Wochenübersicht gesendet mit 2 Einträgen." in output
    with pytest.raises(CommandError, match="kein Gemeindeschlüssel"):
        run(ags="Gröningen")
    with pytest.raises(CommandError, match="Keine Kommune"):
        run(ags="99999999")


def test_a_digest_keeps_each_line_of_a_notification(members, smtp_server):
    notify(
        [members["barleben"]],
        kind=NoticeKind.NEED_MATCH,
        key="introduction:7:seeker",
        title="Vorgestellt: Gröningen sucht dasselbe wie Sie",
        body="20 km entfernt\ngemeinsames Thema „Energie & Klimaschutz“",
    )
    run()
    (body,) = by_recipient(smtp_server)["rathaus@barleben.example"]
    body = body.replace("\r\n", "\n")
    assert "\n  20 km entfernt\n  gemeinsames Thema „Energie & Klimaschutz“\n" in body
