"""DSGVO: "Meine Daten" (export, account deletion), consent for published contacts, no personal data in logs."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from django.utils.module_loading import import_string
from wagtail.models import Revision

from accounts.privacy import PrivacyRefused, account_delete
from accounts.privacy_notice import PRIVACY_BODY
from accounts.services import member_approval_stamp
from matching import hospitation as flow
from matching import tandem_rounds
from matching.models import HospitationRequest, TandemApplication, TandemRound
from municipalities.models import MunicipalityMember
from solutions.models import SolutionPage
from tests.factories.solutions import case_line, publish_cases
from tests.security.conftest import PASSWORD

pytestmark = pytest.mark.django_db
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


@pytest.fixture
def person(actors):
    """The Calw member with a name, a request, a tandem application and a failed login."""
    user = actors["visitor"]
    user.first_name, user.last_name = "Jonas", "Albrecht"
    user.save()
    return user


@pytest.fixture
def history(world, person, register, actors):
    item = HospitationRequest.objects.get(pk=world["request"])
    HospitationRequest.objects.filter(pk=item.pk).update(
        message="Hallo, hier Jonas Albrecht aus Calw, erreichbar unter buergermeister@calw.example."
    )
    today = timezone.localdate()
    round_ = TandemRound.objects.get(pk=world["round"])
    application = tandem_rounds.tandem_apply(
        member=person.membership,
        round=round_,
        role="mentee",
        in_office_since=today - dt.timedelta(days=300),
        topics=[],
        note="Albrecht wünscht sich eine Mentorin in der Nähe.",
    )
    Client().post("/konto/anmelden/", {"username": "calw", "password": "falsch"})
    return {"request": item.pk, "application": application.pk}


def _export(client: Client) -> dict:
    response = client.get("/konto/meine-daten/export.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="baukasten-meine-daten-')
    return json.loads(response.content)


def test_export_contains_everything_stored_about_the_person_and_nothing_about_others(client, history, person):
    client.force_login(person)
    data = _export(client)
    assert data["account"]["email"] == "buergermeister@calw.example"
    assert (data["account"]["first_name"], data["account"]["last_name"]) == ("Jonas", "Albrecht")
    assert data["membership"]["municipality"] == {"ags": "08235085", "name": "Calw"}
    assert [h["my_part"] for h in data["hospitation_requests"]] == ["requested"]
    assert "Jonas Albrecht" in data["hospitation_requests"][0]["message"]
    assert data["tandem_applications"][0]["role"] == "mentee"
    assert data["failed_logins"][0]["failures"] == 1
    text = json.dumps(data)
    assert "rathaus@barleben.example" not in text and "info@hemmingen.example" not in text


def test_export_lists_submissions_and_case_contacts(client, world, actors):
    client.force_login(actors["own"])
    data = _export(client)
    assert [s["title"] for s in data["submissions"]] == ["Bürgerbus"]
    assert data["case_contacts"] == []  # the case's contact is Maria, not this account
    maria = User.objects.create_user("maria", "Maria@Barleben.example", PASSWORD)  # e-mail matched case-blind
    client.force_login(maria)
    (contact,) = _export(client)["case_contacts"]
    assert contact["name"] == "Maria Beispiel" and contact["consent"] is True and contact["consent_at"]


def test_my_data_page_is_linked_in_the_header_and_summarises(client, history, person):
    client.force_login(person)
    html = client.get("/").content.decode()
    assert 'href="/konto/meine-daten/"' in html
    page = client.get("/konto/meine-daten/").content.decode()
    assert "buergermeister@calw.example" in page
    assert "1 Hospitationsanfrage" in page and "1 Tandem-Bewerbung" in page
    assert 'href="/konto/meine-daten/export.json"' in page


def test_deletion_needs_the_password(client, history, person):
    client.force_login(person)
    response = client.post("/konto/loeschen/", {"password": "falsch"})
    assert response.status_code == 400
    assert "Das Passwort stimmt nicht" in response.content.decode()
    person.refresh_from_db()
    assert person.email == "buergermeister@calw.example" and person.is_active


def test_deleting_the_account_anonymises_it_and_keeps_the_requests(client, history, person, actors):
    client.force_login(person)
    response = client.post("/konto/loeschen/", {"password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/konto/geloescht/"
    assert "_auth_user_id" not in client.session  # logged out

    person.refresh_from_db()
    assert (person.email, person.first_name, person.last_name) == ("", "", "")
    assert not person.is_active and not person.has_usable_password()
    assert not MunicipalityMember.objects.filter(user=person).exists()
    assert not AccessAttempt.objects.filter(username="calw").exists()

    item = HospitationRequest.objects.get(pk=history["request"])  # the request stays for Barleben …
    assert item.visitor.name == "Calw" and item.requested_by_id == person.pk
    assert "Albrecht" not in item.message and "buergermeister@calw.example" not in item.message  # … anonymised
    assert "[gelöscht]" in item.message
    application = TandemApplication.objects.get(pk=history["application"])
    assert "Albrecht" not in application.note

    host = Client()
    host.force_login(actors["own"])
    flow.hospitation_accept(item.pk, actors["own"].membership, "")
    page = host.get(f"/meine-anfragen/{item.pk}/").content.decode()
    assert "buergermeister@calw.example" not in page and "Albrecht" not in page

    assert Client().post("/konto/anmelden/", {"username": "calw", "password": PASSWORD}).status_code == 200
    assert client.get("/konto/geloescht/").status_code == 200


def _case_with_contact(tmp_path, *, consent: bool) -> SolutionPage:
    (page,) = publish_cases(
        tmp_path,
        case_line(
            slug=f"kontakt-{'ja' if consent else 'nein'}",
            contact={
                "name": "Jonas Albrecht",
                "role": "BM",
                "email": "buergermeister@calw.example",
                "consent": consent,
            },
        ),
    )
    page.save_revision()  # a second revision that also holds the contact
    return page


def test_contact_without_consent_is_removed_from_page_and_revisions(tmp_path, history, person):
    page = _case_with_contact(tmp_path, consent=False)
    account_delete(person)
    page.refresh_from_db()
    assert (page.contact_name, page.contact_email) == ("", "")
    revisions = Revision.objects.filter(object_id=str(page.pk))
    assert revisions.count() >= 2
    assert all("buergermeister@calw.example" not in json.dumps(r.content) for r in revisions)


def test_consented_contact_stays_unless_consent_is_withdrawn(client, tmp_path, history, person):
    kept = _case_with_contact(tmp_path, consent=True)
    account_delete(person)
    kept.refresh_from_db()
    assert kept.contact_email == "buergermeister@calw.example" and kept.contact_consent


def test_withdrawing_consent_on_deletion_removes_published_contact(client, tmp_path, history, person):
    page = _case_with_contact(tmp_path, consent=True)
    client.force_login(person)
    response = client.post("/konto/loeschen/", {"password": PASSWORD, "withdraw_contact_consent": "on"})
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.contact_email == "" and not page.contact_consent and page.contact_consent_at is None
    html = Client().get(page.url).content.decode()
    assert "Jonas Albrecht" not in html and "buergermeister@calw.example" not in html


def test_administrators_cannot_delete_themselves(history):
    admin = User.objects.create_superuser("admin", "admin@example.org", PASSWORD)
    with pytest.raises(PrivacyRefused):
        account_delete(admin)
    admin.refresh_from_db()
    assert admin.is_active and admin.email == "admin@example.org"


def test_consent_is_recorded_with_a_timestamp_and_controls_publication(tmp_path, register, index):
    (page,) = publish_cases(
        tmp_path, case_line(contact={"name": "Eva Kontakt", "email": "eva@barleben.example", "consent": False})
    )
    assert page.contact_consent_at is None
    assert "eva@barleben.example" not in Client().get(page.url).content.decode()
    assert "eva@barleben.example" not in Client().get(f"/api/v1/solutions/{page.slug}/").content.decode()

    before = timezone.now()
    page.contact_consent = True
    page.stamp_contact_consent()
    page.save_revision().publish()
    page.refresh_from_db()
    assert page.contact_consent_at >= before
    assert "eva@barleben.example" in Client().get(page.url).content.decode()

    stamped = page.contact_consent_at
    page.stamp_contact_consent()  # saving again keeps the original time of consent
    assert page.contact_consent_at == stamped
    page.contact_consent = False
    page.stamp_contact_consent()  # withdrawal clears it
    assert page.contact_consent_at is None


def test_privacy_notice_lists_what_is_stored_and_why():
    for topic in ("Konto", "Hospitationsanfragen", "Ansprechpersonen", "IP-Adresse", "Server-Protokolle", "Cookies"):
        assert topic in PRIVACY_BODY
    assert "Art. 6" in PRIVACY_BODY and "/konto/meine-daten/" in PRIVACY_BODY


# --- logs ----------------------------------------------------------------------------------------


def _production_console_handler(stream: io.StringIO) -> logging.Handler:
    """The console handler as config/settings/base.py configures it, writing into ``stream``."""
    from config.settings import base

    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter(base.LOGGING["formatters"]["plain"]["format"]))
    for name in base.LOGGING["handlers"]["console"]["filters"]:
        handler.addFilter(import_string(base.LOGGING["filters"][name]["()"])())
    return handler


def test_a_full_journey_writes_no_email_address_or_name_to_the_log(
    case, actors, register, django_capture_on_commit_callbacks
):
    stream, raw = io.StringIO(), io.StringIO()
    handler, unfiltered = _production_console_handler(stream), logging.StreamHandler(raw)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(unfiltered)  # first: sees each record before the redacting filter rewrites it
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            anna = Client()
            assert anna.post(
                "/konto/registrieren/",
                {
                    "first_name": "Annegret",
                    "last_name": "Vogelsang",
                    "email": "annegret.vogelsang@groeningen.example",
                    "ags": "15083245",
                    "role": "mayor",
                    "password": "ein-langes-passwort-123",
                },
            ).status_code == 200
        member = MunicipalityMember.objects.get(user__email="annegret.vogelsang@groeningen.example")
        member.approved = True
        member.save()
        with django_capture_on_commit_callbacks(execute=True):
            member_approval_stamp(member)
        for _ in range(6):
            anna.post("/konto/anmelden/", {"username": member.user.username, "password": "falsch"})
        AccessAttempt.objects.all().delete()
        assert anna.post(
            "/konto/anmelden/", {"username": member.user.username, "password": "ein-langes-passwort-123"}
        ).status_code == 302
        with django_capture_on_commit_callbacks(execute=True):
            url = f"/hospitation/anfragen/?fall={case.slug}&gastgeber=15083040"
            form = {"period": "Mai", "people": "2", "message": "Annegret Vogelsang fragt an.", "host": "15083040"}
            assert anna.post(url, form).status_code == 302
        with django_capture_on_commit_callbacks(execute=True):
            flow.hospitation_accept(HospitationRequest.objects.get().pk, actors["own"].membership, "Gern!")
        anna.get(f"/meine-anfragen/{HospitationRequest.objects.get().pk}/")
        Client().post("/konto/passwort/", {"email": "annegret.vogelsang@groeningen.example"})
        anna.get("/konto/meine-daten/export.json")
        anna.get("/gibt-es-nicht/?email=annegret.vogelsang@groeningen.example")
        logging.getLogger("smtp").error("Zustellung an annegret.vogelsang@groeningen.example fehlgeschlagen")
        assert anna.post("/konto/loeschen/", {"password": "ein-langes-passwort-123"}).status_code == 302
    finally:
        root.removeHandler(handler)
        root.removeHandler(unfiltered)
        root.setLevel(old_level)

    written = stream.getvalue()
    assert "baukasten.request" in written or "Zustellung" in written  # the log did receive lines
    assert not EMAIL_RE.findall(written), EMAIL_RE.findall(written)
    for name in ("Annegret", "Vogelsang", "Albrecht"):
        assert name not in written
    assert "<E-Mail " in written  # the third-party SMTP line was redacted, not dropped
    # Without the filter, only that simulated third-party line carried an address: our code logs none.
    assert set(EMAIL_RE.findall(raw.getvalue())) <= {"annegret.vogelsang@groeningen.example"}
    assert raw.getvalue().count("@groeningen.example") == 1


def test_datenschutz_page_of_a_new_installation_carries_the_notice(client, site):
    html = client.get("/datenschutz/").content.decode()
    assert "Was wir speichern und warum" in html
    assert 'href="/konto/meine-daten/"' in html
