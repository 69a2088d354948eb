"""Every hospitation request reaches someone who is told and can answer (issue 16, item 7): the host's
members, else the case's consenting contact through a single-use link, else the editors' queue. The form
names the addressee before sending; a request whose e-mail cannot be sent is not stored."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from matching.addressee import hospitation_addressee
from matching.models import HospitationLink, HospitationRequest, HospitationStatus, HostQuota
from tests.factories.solutions import case_line, member, publish_cases
from tests.matching import smtp

pytestmark = pytest.mark.django_db

CONTACT = "kaemmerin@barleben.example"
FORM = {
    "period": "Ende März oder Anfang Mai, gern dienstags („nach Absprache“)",
    "people": "3",
    "message": "Grüß Gott! Wir möchten die Straßenzustandserfassung im Einsatz sehen – Größenordnung, Kosten, Ärger.",
}
LINK_RE = re.compile(r"http://[^\s]+/hospitation/antwort/[A-Za-z0-9_-]+/")


@pytest.fixture
def case(tmp_path, register, index):
    """Barleben leads and hosts (its contact consented, with an address); Gröningen hosts too, with
    neither members nor a contact of its own."""
    (page,) = publish_cases(
        tmp_path,
        case_line(
            hosts_visits=True,
            visits_per_year=2,
            contact={"name": "Frieda Müßig", "role": "Kämmerin", "email": CONTACT, "consent": True},
            adopters=[{"ags": "15083245", "year": 2024, "hosts_visits": True, "visits_per_year": 1}],
        ),
    )
    return page


@pytest.fixture
def visitor(register):
    return member(register["calw"], "calw", email="buergermeister@calw.example")


def ask(client, user, case, host="15083040", **changes):
    client.force_login(user)
    return client.post(f"/hospitation/anfragen/?fall={case.slug}&gastgeber={host}", {**FORM, "host": host, **changes})


def the_link(message) -> str:
    (url,) = LINK_RE.findall(message.body)
    assert url.startswith(settings.SITE_BASE_URL)  # scheme, host and port of the site
    return urlsplit(url).path


# --- who receives it, and the form says so ------------------------------------------------------------


def test_members_of_the_host_receive_it_and_the_form_says_so(client, case, visitor, register):
    member(register["barleben"], "barleben", email="rathaus@barleben.example")
    client.force_login(visitor)
    form = client.get(f"/hospitation/anfragen/?fall={case.slug}").content.decode()
    assert "Ihre Anfrage geht an: die Verwaltung von Barleben" in form
    assert "Ihre Anfrage geht an: die Redaktion, die sie an Gröningen weiterleitet" in form

    response = ask(client, visitor, case)
    item = HospitationRequest.objects.get()
    assert response.status_code == 302 and item.addressee == "members"
    assert mail.outbox[-1].to == ["rathaus@barleben.example"]
    assert CONTACT not in [address for m in mail.outbox for address in m.to]
    page = client.get(response.url).content.decode()
    assert "Ihre Anfrage wurde an die Verwaltung von Barleben gesendet." in page


def test_without_members_the_consenting_contact_receives_a_link(client, case, visitor):
    client.force_login(visitor)
    html = client.get(f"/hospitation/anfragen/?fall={case.slug}").content.decode()
    assert "Ihre Anfrage geht an: die Ansprechperson des Praxisbeispiels" in html
    assert CONTACT not in html  # the role is named, the address is not

    response = ask(client, visitor, case)
    item = HospitationRequest.objects.get()
    assert response.status_code == 302 and item.addressee == "contact"
    message = mail.outbox[-1]
    assert message.to == [CONTACT]
    assert FORM["message"] in message.body and "kein Konto" in message.body
    assert "buergermeister@calw.example" not in message.body  # contact details only after acceptance
    assert "Ansprechperson des Praxisbeispiels" in client.get(response.url).content.decode()
    # only the hash of the token is stored
    token = the_link(message).rstrip("/").rsplit("/", 1)[1]
    assert token not in HospitationLink.objects.get().token_hash


def test_a_contact_without_consent_is_never_written_to(client, case, visitor, editor):
    type(case).objects.filter(pk=case.pk).update(contact_consent=False)
    case.refresh_from_db()
    assert hospitation_addressee(case, case.lead_municipality).kind == "editors"
    html = ask(client, visitor, case, host="15083040")
    assert html.status_code == 302
    assert [m.to for m in mail.outbox] == [["redaktion@example.org"]]


# --- the contact answers through the link ---------------------------------------------------------------


def test_contact_accepts_through_the_link_once(client, case, visitor):
    ask(client, visitor, case)
    url = the_link(mail.outbox[-1])
    client.logout()
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Calw möchte Barleben besuchen" in html and FORM["message"] in html
    assert "buergermeister@calw.example" not in html

    done = client.post(url, {"action": "annehmen", "note": "Gern – wir zeigen Ihnen alles, auch die Größenklassen."})
    assert done.status_code == 200
    assert "buergermeister@calw.example" in done.content.decode()  # both sides agreed: contacts are shared
    item = HospitationRequest.objects.get()
    assert item.status == HospitationStatus.ACCEPTED and item.decided_by is None
    assert HostQuota.objects.get(host=item.host).accepted == 1
    assert mail.outbox[-1].to == ["buergermeister@calw.example"]
    # the visitor now sees the contact who answered
    client.force_login(visitor)
    assert CONTACT in client.get(f"/meine-anfragen/{item.pk}/").content.decode()

    client.logout()
    again = client.get(url)
    assert again.status_code == 410
    assert "Dieser Link wurde bereits verwendet" in again.content.decode()
    assert client.post(url, {"action": "ablehnen"}).status_code == 410
    item.refresh_from_db()
    assert item.status == HospitationStatus.ACCEPTED


def test_contact_declines_through_the_link(client, case, visitor):
    ask(client, visitor, case)
    url = the_link(mail.outbox[-1])
    client.logout()
    done = client.post(url, {"action": "ablehnen", "note": "Leider ist unser Bauhof im Mai ausgelastet."})
    assert done.status_code == 200 and "abgelehnt" in done.content.decode()
    item = HospitationRequest.objects.get()
    assert item.status == HospitationStatus.DECLINED and item.host_note.startswith("Leider")
    assert mail.outbox[-1].to == ["buergermeister@calw.example"]
    assert "buergermeister@calw.example" not in done.content.decode()


def test_contact_proposes_a_date_and_gets_a_new_link_when_the_visitor_agrees(client, case, visitor):
    ask(client, visitor, case)
    first = the_link(mail.outbox[-1])
    client.logout()
    # a proposal without a date is refused and the link stays usable
    refused = client.post(first, {"action": "termin", "proposed_date": ""})
    assert refused.status_code == 409 and "Terminvorschlag" in refused.content.decode()
    done = client.post(first, {"action": "termin", "proposed_date": "Donnerstag, 14. Mai – ab 9 Uhr im Rathaus"})
    assert done.status_code == 200
    item = HospitationRequest.objects.get()
    assert item.status == HospitationStatus.DATE_PROPOSED and item.proposed_date.startswith("Donnerstag")

    client.force_login(visitor)
    assert client.post(f"/meine-anfragen/{item.pk}/termin-annehmen/").status_code == 302
    assert mail.outbox[-1].to == [CONTACT]
    second = the_link(mail.outbox[-1])
    assert second != first
    client.logout()
    assert client.get(first).status_code == 410
    assert client.post(second, {"action": "annehmen"}).status_code == 200
    item.refresh_from_db()
    assert item.status == HospitationStatus.ACCEPTED and item.period.startswith("Donnerstag, 14. Mai")


def test_the_link_obeys_the_capacity(client, case, visitor, register):
    ask(client, visitor, case)
    url = the_link(mail.outbox[-1])
    HostQuota.objects.create(host=register["barleben"], solution=case, year=timezone.localdate().year, accepted=2)
    client.logout()
    refused = client.post(url, {"action": "annehmen"})
    assert refused.status_code == 409 and "ausgeschöpft" in refused.content.decode()
    assert HospitationRequest.objects.get().status == HospitationStatus.REQUESTED
    assert client.get(url).status_code == 200  # not used up by a refused answer


def test_an_expired_link_shows_a_german_page(client, case, visitor):
    ask(client, visitor, case)
    url = the_link(mail.outbox[-1])
    HospitationLink.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    client.logout()
    for response in (client.get(url), client.post(url, {"action": "annehmen"})):
        assert response.status_code == 410
        assert "Dieser Link ist abgelaufen" in response.content.decode()
    assert HospitationRequest.objects.get().status == HospitationStatus.REQUESTED


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # one character changed
        lambda t: t[:10],  # cut short
        lambda t: t + "x" * 500,  # far too long
        lambda t: "ä" + t[1:],  # not in the alphabet
        lambda t: "%00" + t,
    ],
    ids=["changed", "short", "long", "umlaut", "nul"],
)
def test_a_tampered_link_is_a_german_404(client, case, visitor, mangle):
    ask(client, visitor, case)
    url = the_link(mail.outbox[-1])
    token = url.rstrip("/").rsplit("/", 1)[1]
    bad = f"/hospitation/antwort/{mangle(token)}/"
    client.logout()
    for response in (client.get(bad), client.post(bad, {"action": "annehmen"})):
        # 404 from the link page; a NUL byte is refused by Django itself with its German 400 page
        assert response.status_code in (400, 404)
        assert ("ungültig" if response.status_code == 404 else "nicht verarbeiten") in response.content.decode()
    assert HospitationRequest.objects.get().status == HospitationStatus.REQUESTED


# --- the editors' queue -----------------------------------------------------------------------------


def test_a_host_without_anyone_goes_to_the_editors_queue(client, case, visitor, editor):
    response = ask(client, visitor, case, host="15083245")
    item = HospitationRequest.objects.get()
    assert response.status_code == 302 and item.addressee == "editors"
    assert mail.outbox[-1].to == ["redaktion@example.org"]
    assert "/admin/hospitationen-redaktion/" in mail.outbox[-1].body
    assert "Redaktion gesendet" in client.get(response.url).content.decode()

    client.force_login(editor)
    queue = client.get("/admin/hospitationen-redaktion/")
    assert queue.status_code == 200
    html = queue.content.decode()
    assert "Calw → Gröningen" in html and FORM["message"] in html
    assert "Zum Weiterleiten" in client.get("/admin/").content.decode()  # in the menu

    # a bad address is refused in German, nothing sent
    sent = len(mail.outbox)
    client.post(f"/admin/hospitationen-redaktion/{item.pk}/", {"action": "weiterleiten", "email": "kein-at"})
    assert len(mail.outbox) == sent
    # forwarded to the town hall, which answers through the link
    client.post(
        f"/admin/hospitationen-redaktion/{item.pk}/", {"action": "weiterleiten", "email": "rathaus@groeningen.example"}
    )
    assert mail.outbox[-1].to == ["rathaus@groeningen.example"]
    assert "Redaktion" in mail.outbox[-1].body
    url = the_link(mail.outbox[-1])
    assert "rathaus@groeningen.example" in client.get("/admin/hospitationen-redaktion/").content.decode()
    client.logout()
    assert client.post(url, {"action": "annehmen"}).status_code == 200
    item.refresh_from_db()
    assert item.status == HospitationStatus.ACCEPTED
    client.force_login(visitor)
    assert "rathaus@groeningen.example" in client.get(f"/meine-anfragen/{item.pk}/").content.decode()


def test_editors_can_answer_or_decline_themselves(client, case, visitor, editor, register):
    ask(client, visitor, case, host="15083245")
    item = HospitationRequest.objects.get()
    client.force_login(editor)
    client.post(
        f"/admin/hospitationen-redaktion/{item.pk}/",
        {
            "action": "termin",
            "proposed_date": "Nach Rücksprache: 3. Juni",
            "note": "Gröningen meldet sich telefonisch.",
        },
    )
    item.refresh_from_db()
    assert item.status == HospitationStatus.DATE_PROPOSED and item.decided_by == editor
    client.post(f"/admin/hospitationen-redaktion/{item.pk}/", {"action": "ablehnen", "note": "Leider kein Platz."})
    item.refresh_from_db()
    assert item.status == HospitationStatus.DECLINED
    assert mail.outbox[-1].to == ["buergermeister@calw.example"]


def test_the_queue_is_for_editors_only_and_only_for_its_requests(client, case, visitor, register, editor):
    member(register["barleben"], "barleben", email="rathaus@barleben.example")
    ask(client, visitor, case)  # goes to Barleben's members, not to the editors
    item = HospitationRequest.objects.get()
    client.force_login(visitor)
    assert client.get("/admin/hospitationen-redaktion/").status_code in (302, 403)
    client.force_login(editor)
    client.post(f"/admin/hospitationen-redaktion/{item.pk}/", {"action": "annehmen"})
    item.refresh_from_db()
    assert item.status == HospitationStatus.REQUESTED


# --- nothing is accepted that cannot be delivered -----------------------------------------------------


def test_smtp_down_stores_nothing_and_keeps_the_text(client, case, visitor, settings):
    smtp.smtp_settings(settings, smtp.closed_port())
    response = ask(client, visitor, case)
    assert response.status_code == 503
    html = response.content.decode()
    assert "konnte gerade nicht versandt werden" in html and "nichts gespeichert" in html
    assert "Grüß Gott! Wir möchten die Straßenzustandserfassung" in html  # typed text kept
    assert "Ende März oder Anfang Mai" in html
    assert not HospitationRequest.objects.exists() and not HospitationLink.objects.exists()


def test_smtp_down_keeps_an_answer_link_unused(client, case, visitor, settings):
    ask(client, visitor, case)
    url = the_link(mail.outbox[-1])
    smtp.smtp_settings(settings, smtp.closed_port())
    client.logout()
    response = client.post(url, {"action": "annehmen"})
    assert response.status_code == 503
    assert HospitationRequest.objects.get().status == HospitationStatus.REQUESTED
    assert not HostQuota.objects.filter(accepted__gt=0).exists()
    assert HospitationLink.objects.get().used_at is None


def test_delivered_through_a_real_smtp_server_with_umlauts(client, case, visitor, settings):
    server, inbox = smtp.start()
    try:
        smtp.smtp_settings(settings, inbox.port)
        response = ask(client, visitor, case)
        assert response.status_code == 302
        ((recipients, message),) = inbox.inbox
        assert recipients == [CONTACT]
        assert "Calw" in message["Subject"]
        (body,) = inbox.bodies()
        assert FORM["message"] in body and FORM["period"] in body
        assert LINK_RE.search(body)
    finally:
        server.shutdown()
        server.server_close()
    item = HospitationRequest.objects.get()
    assert (item.message, item.period) == (FORM["message"], FORM["period"])


# --- the page without a case ------------------------------------------------------------------------


def test_the_request_page_without_a_case_explains_and_lists_hosts(client, case):
    response = client.get("/hospitation/anfragen/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Hospitation anfragen" in html and "So geht es" in html
    assert case.title in html and case.url in html
    assert 'action="/suche/"' in html
    unknown = client.get("/hospitation/anfragen/?fall=gibt-es-nicht")
    assert unknown.status_code == 404 and "gibt es nicht (mehr)" in unknown.content.decode()


def test_the_tandem_form_names_who_receives_the_application(client, register):
    from matching.models import TandemRound

    today = timezone.localdate()
    TandemRound.objects.create(
        title="Runde Frühjahr", application_start=today, application_end=today + dt.timedelta(days=30)
    )
    client.force_login(member(register["groeningen"], "groeningen"))
    html = client.get("/tandem/bewerben/").content.decode()
    assert "Ihre Bewerbung geht an: die Redaktion" in html


# --- German admin labels ------------------------------------------------------------------------------


def test_matching_admin_lists_speak_german(client, case, visitor, admin_user):
    ask(client, visitor, case)
    client.force_login(admin_user)
    html = client.get("/admin/snippets/matching/hospitationrequest/").content.decode()
    for label in ("Anfrage", "Status", "Empfänger", "Jahr", "angefragt am"):
        assert label in html
    for english in ("Created at", "Year", "Addressee", "True", "False"):
        assert f">{english}<" not in html and f"{english}</" not in html


def test_every_matching_model_and_field_has_a_german_name():
    from django.apps import apps

    for model in apps.get_app_config("matching").get_models():
        assert model._meta.verbose_name != model.__name__.lower(), model
        for field in model._meta.get_fields():
            if not field.concrete or field.auto_created:
                continue
            default = field.name.replace("_", " ")
            assert str(field.verbose_name) != default, f"{model.__name__}.{field.name}"


@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_once_answer_only_once(tmp_path, site, register):
    """A double click on „Ablehnen“ and „Annehmen“: the link row is locked, one answer wins."""
    import threading

    from django.db import close_old_connections, connection

    from matching import hospitation as flow
    from solutions.selectors import solution_index_get
    from solutions.services import editorial_setup

    editorial_setup(solution_index_get())
    (page,) = publish_cases(
        tmp_path,
        case_line(hosts_visits=True, visits_per_year=3, contact={"name": "F. M.", "email": CONTACT, "consent": True}),
    )
    flow.hospitation_request(
        member=member(register["calw"], "calw").membership,
        solution=page,
        host=register["barleben"],
        message="Grüße",
        period="Mai",
        people=1,
    )
    token = the_link(mail.outbox[-1]).rstrip("/").rsplit("/", 1)[1]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def answer(action: str) -> None:
        close_old_connections()
        barrier.wait()
        try:
            flow.hospitation_link_answer(token, action)
            outcomes.append("ok")
        except Exception as exc:  # used link, or on SQLite "database is locked"
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=answer, args=(a,)) for a in ("annehmen", "ablehnen")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == 1, outcomes
    assert HospitationLink.objects.get().used_at is not None
