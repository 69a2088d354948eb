"""„Wie weit sind Sie?“: reminders 3 and 6 months after the declaration and then every half year, once per due
date, by e-mail with a one-click status link (expires, single use, tamper-proof) and in the bell."""

from __future__ import annotations

import datetime as dt
import io
import re
import time

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from adoption.links import VALID_DAYS, status_token
from adoption.models import AdoptionPlan, AdoptionReminder
from adoption.reminders import adoption_reminders_send, reminder_due_dates, reminder_latest_due
from adoption.services import PlanChanges, adoption_declare
from notifications.models import Notification, NotificationSettings
from solutions.models import SolutionAdopter
from tests.factories.solutions import member

pytestmark = pytest.mark.django_db

DECLARED = dt.date(2026, 1, 31)


def test_due_dates_three_and_six_months_then_every_six():
    dates = reminder_due_dates(DECLARED, dt.date(2027, 8, 1))
    assert dates == [dt.date(2026, 4, 30), dt.date(2026, 7, 31), dt.date(2027, 1, 31), dt.date(2027, 7, 31)]
    assert reminder_latest_due(DECLARED, dt.date(2026, 4, 29)) is None
    assert reminder_latest_due(DECLARED, dt.date(2026, 12, 24)) == dt.date(2026, 7, 31)


def _plan(mayor, case, status="planned", declared: dt.date = DECLARED) -> AdoptionPlan:
    plan = adoption_declare(case.pk, mayor.membership, PlanChanges(status=status, started_on=declared))
    at = timezone.make_aware(dt.datetime.combine(declared, dt.time(9, 0)))
    AdoptionPlan.objects.filter(pk=plan.pk).update(declared_at=at)
    plan.refresh_from_db()
    return plan


@pytest.fixture
def colleague(towns):
    return member(towns["wanzleben"], "kaemmerin-wanzleben", email="kämmerei@wanzleben-boerde.example")


def test_sent_once_per_due_date_to_every_member_by_mail_and_in_the_bell(case, mayor, colleague):
    plan = _plan(mayor, case)
    mail.outbox.clear()
    report = adoption_reminders_send(today=dt.date(2026, 5, 2))
    assert report.plans == 1 and report.mails == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["buergermeisterin@example.org", "kämmerei@wanzleben-boerde.example"]
    message = mail.outbox[0]
    assert message.subject == "Wie weit sind Sie mit „Straßenzustand per App erfassen“?"
    assert "Bisheriger Stand: geplant" in message.body and "/vorhaben/stand/" in message.body
    # it takes opening the link and sending the status: no promise of „one click“
    assert "Ohne Anmeldung, in einem Schritt" in message.body and "Ein Klick genügt" not in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    reminder = AdoptionReminder.objects.get()
    assert reminder.plan == plan and reminder.due_on == dt.date(2026, 4, 30) and reminder.recipients == 2
    notices = Notification.objects.filter(kind="adoption_reminder")
    assert notices.count() == 2 and all(n.emailed_at for n in notices)  # not again in the weekly digest
    assert notices.first().url == reverse("adoption:edit", args=[plan.pk])
    # a second run the same day, and another before the next due date: nothing
    mail.outbox.clear()
    assert adoption_reminders_send(today=dt.date(2026, 5, 2)).plans == 0
    assert adoption_reminders_send(today=dt.date(2026, 7, 30)).plans == 0
    assert mail.outbox == [] and AdoptionReminder.objects.count() == 1
    # the 6-month date brings the next one
    assert adoption_reminders_send(today=dt.date(2026, 7, 31)).plans == 1
    assert AdoptionReminder.objects.count() == 2


def test_missed_due_dates_send_only_the_latest(case, mayor):
    _plan(mayor, case)
    mail.outbox.clear()
    adoption_reminders_send(today=dt.date(2027, 3, 1))  # worker down for a year: 3, 6 and 12 months missed
    assert list(AdoptionReminder.objects.values_list("due_on", flat=True)) == [dt.date(2027, 1, 31)]
    assert len(mail.outbox) == 1


def test_finished_plans_are_not_asked(case, mayor, towns):
    _plan(mayor, case, status="in_operation")
    assert adoption_reminders_send(today=dt.date(2026, 12, 1)).plans == 0
    assert not AdoptionReminder.objects.exists()


def test_someone_who_unsubscribed_gets_it_in_the_bell_only(case, mayor):
    _plan(mayor, case)
    NotificationSettings.objects.create(user=mayor, email_immediate=False, email_digest=False)
    mail.outbox.clear()
    adoption_reminders_send(today=dt.date(2026, 5, 2))
    assert mail.outbox == []
    assert Notification.objects.get(user=mayor, kind="adoption_reminder").emailed_at is None


def test_the_command_dry_run_sends_nothing_and_the_real_run_reports_in_german(case, mayor):
    _plan(mayor, case, declared=timezone.localdate() - dt.timedelta(days=100))
    mail.outbox.clear()
    out = io.StringIO()
    call_command("send_adoption_reminders", "--dry-run", stdout=out, stderr=io.StringIO())
    assert "Probelauf: Für 1 Vorhaben ist eine Erinnerung fällig; nichts gesendet." in out.getvalue()
    assert "Wanzleben-Börde – „Straßenzustand per App erfassen“" in out.getvalue()
    assert mail.outbox == [] and not AdoptionReminder.objects.exists()
    out = io.StringIO()
    call_command("send_adoption_reminders", stdout=out, stderr=io.StringIO())
    assert "Erinnerungen gesendet: 1 Vorhaben, 1 E-Mail, 1 Benachrichtigungen." in out.getvalue()
    out = io.StringIO()
    call_command("send_adoption_reminders", stdout=out, stderr=io.StringIO())
    assert "Erinnerungen gesendet: 0 Vorhaben, 0 E-Mails" in out.getvalue()


def test_a_mail_server_that_is_down_gives_the_reminder_back(case, mayor, settings):
    _plan(mayor, case)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    report = adoption_reminders_send(today=dt.date(2026, 5, 2))
    assert report.aborted and not AdoptionReminder.objects.exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert adoption_reminders_send(today=dt.date(2026, 5, 2)).mails == 1


# --- the one-click status link ---------------------------------------------------------------------------


def _link(case, mayor) -> str:
    _plan(mayor, case)
    mail.outbox.clear()
    adoption_reminders_send(today=dt.date(2026, 5, 2))
    return re.search(r"https?://\S+/vorhaben/stand/\S+/", mail.outbox[0].body).group(0)


def _path(url: str) -> str:
    return url[url.index("/vorhaben/") :]


def test_the_link_shows_on_get_and_changes_only_on_post(client, case, mayor, towns):
    url = _path(_link(case, mayor))
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and "Wanzleben-Börde – bisher: <strong>geplant</strong>" in html
    assert "unverändert: geplant" in html and "Pilotphase" in html
    assert "Ohne Anmeldung, in einem Schritt: Stand wählen und senden." in html
    row = SolutionAdopter.objects.get(municipality=towns["wanzleben"])
    assert row.status == "planned"  # a mail scanner's GET changed nothing
    done = client.post(url, {"status": "pilot"})
    assert done.status_code == 200 and "Stand „Pilotphase“ ist gespeichert" in done.content.decode()
    row.refresh_from_db()
    assert row.status == "pilot"
    reminder = AdoptionReminder.objects.get()
    assert reminder.answered_at is not None
    event = reminder.plan.events.order_by("-pk").first()
    assert (event.status, event.via, event.by) == ("pilot", "link", mayor)


def test_a_used_link_says_so(client, case, mayor):
    url = _path(_link(case, mayor))
    client.post(url, {"status": "planned"})  # „unverändert“ is an answer too
    again = client.get(url)
    assert again.status_code == 409 and "Link bereits benutzt" in again.content.decode()
    assert "Anmelden" in again.content.decode()
    assert client.post(url, {"status": "in_operation"}).status_code == 409
    assert SolutionAdopter.objects.get(municipality__ags="15083531").status == "planned"


def test_an_expired_link_says_so(client, case, mayor, monkeypatch):
    _link(case, mayor)
    reminder = AdoptionReminder.objects.get()
    past = time.time() - (VALID_DAYS + 1) * 86400
    monkeypatch.setattr("django.core.signing.time.time", lambda: past)
    token = status_token(reminder, mayor)
    monkeypatch.undo()
    response = client.get(reverse("adoption:status-link", args=[token]))
    assert response.status_code == 410 and "Link abgelaufen" in response.content.decode()
    assert client.post(reverse("adoption:status-link", args=[token]), {"status": "pilot"}).status_code == 410
    assert SolutionAdopter.objects.get(municipality__ags="15083531").status == "planned"


def test_a_tampered_link_is_invalid(client, case, mayor):
    url = _path(_link(case, mayor))
    token = url.rstrip("/").rsplit("/", 1)[1]
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    for bad in (forged, "kein-gültiger-link", "x" * 300):
        response = client.get(reverse("adoption:status-link", args=[bad]))
        assert response.status_code == 400 and "Link ungültig" in response.content.decode()
    assert client.post(reverse("adoption:status-link", args=[forged]), {"status": "pilot"}).status_code == 400


def test_stopping_through_the_link_needs_a_reason(client, case, mayor):
    url = _path(_link(case, mayor))
    missing = client.post(url, {"status": "stopped", "stopped_reason": ""})
    assert missing.status_code == 400 and "Bitte nennen Sie kurz den Grund" in missing.content.decode()
    reason = "Kein Personal im Bauhof – die Fahrzeuge stehen still."
    assert client.post(url, {"status": "stopped", "stopped_reason": reason}).status_code == 200
    row = SolutionAdopter.objects.get(municipality__ags="15083531")
    assert row.status == "stopped" and row.stopped_reason == reason


def test_a_link_of_someone_no_longer_a_member_changes_nothing(client, case, mayor):
    url = _path(_link(case, mayor))
    mayor.membership.delete()
    response = client.post(url, {"status": "pilot"})
    assert response.status_code == 409 and "kein bestätigtes Mitglied" in response.content.decode()
    assert SolutionAdopter.objects.get(municipality__ags="15083531").status == "planned"


def test_the_link_refuses_a_running_status_with_a_future_start(client, case, mayor, towns):
    _plan(mayor, case)
    future = dt.date.today() + dt.timedelta(days=400)
    SolutionAdopter.objects.filter(municipality=towns["wanzleben"]).update(started_on=future)
    mail.outbox.clear()
    adoption_reminders_send(today=dt.date(2026, 5, 2))
    url = _path(re.search(r"https?://\S+/vorhaben/stand/\S+/", mail.outbox[0].body).group(0))
    refused = client.post(url, {"status": "pilot"})
    assert refused.status_code == 400 and "Bitte einen Beginn zwischen dem 01.01.1990 und heute" in (
        refused.content.decode()
    )
    assert SolutionAdopter.objects.get(municipality=towns["wanzleben"]).status == "planned"
    done = client.post(url, {"status": "pilot", "started_on": "01.11.2026"})
    assert done.status_code == 200
    row = SolutionAdopter.objects.get(municipality=towns["wanzleben"])
    assert row.status == "pilot" and row.started_on == dt.date(2026, 11, 1) and row.since_year == 2026
