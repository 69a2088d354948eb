from __future__ import annotations

import threading

import pytest
from django.core import mail
from django.db import close_old_connections, connection

from matching import hospitation as flow
from matching.models import HospitationRequest, HospitationStatus, HostQuota
from solutions.models import SolutionPage
from tests.factories.solutions import case_line, member, publish_cases

pytestmark = pytest.mark.django_db

FORM = {"period": "Mai, dienstags", "people": "3", "message": "Wir möchten die App im Einsatz sehen."}


@pytest.fixture(autouse=True)
def after_commit(django_capture_on_commit_callbacks, monkeypatch):
    """E-mails go out after commit; each request below runs its commit callbacks before returning."""
    from django.test import Client

    original = Client.request

    def request(self, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return original(self, **kwargs)

    monkeypatch.setattr(Client, "request", request)


@pytest.fixture
def case(tmp_path, register, index):
    (page,) = publish_cases(
        tmp_path,
        case_line(
            hosts_visits=True,
            visits_per_year=2,
            adopters=[{"ags": "15083245", "year": 2024, "hosts_visits": False}],
        ),
    )
    return page


@pytest.fixture
def people(register):
    return {
        "visitor": member(register["calw"], "calw", email="buergermeister@calw.example"),
        "host": member(register["barleben"], "barleben", email="rathaus@barleben.example"),
        "other": member(register["hemmingen_ni"], "hemmingen", email="info@hemmingen.example"),
    }


def ask(client, user, case, host="15083040", **changes):
    client.force_login(user)
    return client.post(f"/hospitation/anfragen/?fall={case.slug}&gastgeber={host}", {**FORM, "host": host, **changes})


def test_request_accept_and_contacts_only_after_acceptance(client, case, people):
    response = ask(client, people["visitor"], case)
    item = HospitationRequest.objects.get()
    assert response.status_code == 302
    assert (item.visitor.ags, item.host.ags, item.people) == ("08235085", "15083040", 3)
    assert mail.outbox[-1].to == ["rathaus@barleben.example"]
    assert "buergermeister@calw.example" not in mail.outbox[-1].body

    for user, hidden in (
        (people["visitor"], "rathaus@barleben.example"),
        (people["host"], "buergermeister@calw.example"),
    ):
        client.force_login(user)
        assert hidden not in client.get(f"/meine-anfragen/{item.pk}/").content.decode()

    client.force_login(people["host"])
    response = client.post(f"/meine-anfragen/{item.pk}/annehmen/", {"note": "Gern!"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == HospitationStatus.ACCEPTED
    assert mail.outbox[-1].to == ["buergermeister@calw.example"]

    assert "buergermeister@calw.example" in client.get(f"/meine-anfragen/{item.pk}/").content.decode()
    client.force_login(people["visitor"])
    assert "rathaus@barleben.example" in client.get(f"/meine-anfragen/{item.pk}/").content.decode()


def test_foreign_municipalities_cannot_see_or_act(client, case, people):
    ask(client, people["visitor"], case)
    item = HospitationRequest.objects.get()
    client.force_login(people["other"])
    assert client.get(f"/meine-anfragen/{item.pk}/").status_code == 404
    for action in ("annehmen", "ablehnen", "termin", "zurueckziehen", "rueckmeldung"):
        assert client.post(f"/meine-anfragen/{item.pk}/{action}/").status_code == 404
    client.force_login(people["visitor"])  # the visitor cannot accept its own request
    response = client.post(f"/meine-anfragen/{item.pk}/annehmen/")
    assert response.status_code == 409
    assert "richtet sich nicht an Ihre Kommune" in response.content.decode()
    item.refresh_from_db()
    assert item.status == HospitationStatus.REQUESTED


def test_invalid_transitions_are_refused_with_a_reason(client, case, people):
    ask(client, people["visitor"], case)
    item = HospitationRequest.objects.get()
    host = people["host"].membership
    flow.hospitation_accept(item.pk, host)
    with pytest.raises(flow.RefusedError, match="bereits angenommen"):
        flow.hospitation_accept(item.pk, host)
    client.force_login(people["host"])
    response = client.post(f"/meine-anfragen/{item.pk}/ablehnen/")
    assert response.status_code == 409
    assert "bereits angenommen" in response.content.decode()

    ask(client, people["visitor"], case, message="Zweiter Versuch")
    second = HospitationRequest.objects.exclude(pk=item.pk).get()
    flow.hospitation_decline(second.pk, host)
    with pytest.raises(flow.RefusedError, match="bereits abgelehnt"):
        flow.hospitation_accept(second.pk, host)


def test_requests_that_make_no_sense_are_refused(client, case, people):
    assert "bei sich selbst" in ask(client, people["host"], case).content.decode()
    response = ask(client, people["visitor"], case, host="15083245")  # an adopter that hosts no visits
    assert response.status_code == 400
    ask(client, people["visitor"], case)
    assert "schon eine offene Anfrage" in ask(client, people["visitor"], case).content.decode()
    assert HospitationRequest.objects.count() == 1


def test_capacity_is_never_exceeded(client, case, people, register):
    host = people["host"].membership
    visitors = [people["visitor"], people["other"], member(register["hemmingen_bw"], "hemmingen-bw")]
    for user in visitors:
        ask(client, user, case)
    ids = list(HospitationRequest.objects.values_list("pk", flat=True))
    flow.hospitation_accept(ids[0], host)
    flow.hospitation_accept(ids[1], host)
    with pytest.raises(flow.RefusedError, match="ausgeschöpft"):
        flow.hospitation_accept(ids[2], host)
    assert HostQuota.objects.get().accepted == 2
    assert flow.host_capacity_left(case, register["barleben"]) == 0
    response = ask(client, member(register["groeningen"], "groeningen"), case)
    assert "keine freien Hospitationsplätze" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_simultaneous_accepts_cannot_exceed_capacity(tmp_path, site, register):
    from solutions.selectors import solution_index_get
    from solutions.services import editorial_setup

    editorial_setup(solution_index_get())
    (case,) = publish_cases(tmp_path, case_line(hosts_visits=True, visits_per_year=1))
    host = member(register["barleben"], "barleben").membership
    requests = [
        flow.hospitation_request(
            member=member(m, f"u{i}").membership,
            solution=case,
            host=register["barleben"],
            message="x",
            period="y",
            people=1,
        )
        for i, m in enumerate([register["calw"], register["groeningen"], register["hemmingen_ni"]])
    ]
    barrier = threading.Barrier(len(requests))
    outcomes: list[str] = []

    def accept(request_id: int) -> None:
        close_old_connections()
        barrier.wait()
        try:
            flow.hospitation_accept(request_id, host)
            outcomes.append("ok")
        except Exception as exc:  # refused or, on SQLite, "database is locked"
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(r.pk,)) for r in requests]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    accepted = HospitationRequest.objects.filter(status=HospitationStatus.ACCEPTED).count()
    assert outcomes.count("ok") == accepted <= 1
    assert HostQuota.objects.get().accepted == accepted


def test_feedback_yes_adds_the_visitor_as_adopter(client, case, people):
    ask(client, people["visitor"], case)
    item = HospitationRequest.objects.get()
    client.force_login(people["host"])
    client.post(f"/meine-anfragen/{item.pk}/annehmen/")
    client.force_login(people["visitor"])
    response = client.post(
        f"/meine-anfragen/{item.pk}/rueckmeldung/", {"helped": "1", "adopted": "yes", "feedback": "Sehr hilfreich."}
    )
    assert response.status_code == 302
    page = SolutionPage.objects.get(pk=case.pk)
    assert "08235085" in [a.municipality.ags for a in page.adopters.all()]
    assert not page.has_unpublished_changes
    assert mail.outbox[-1].to == ["rathaus@barleben.example"]
    assert client.post(f"/meine-anfragen/{item.pk}/rueckmeldung/", {"helped": "1", "adopted": "yes"}).status_code == 409


def test_date_proposal_round_trip(client, case, people):
    ask(client, people["visitor"], case)
    item = HospitationRequest.objects.get()
    client.force_login(people["host"])
    client.post(f"/meine-anfragen/{item.pk}/termin/", {"proposed_date": "12. Juni, 10 Uhr"})
    item.refresh_from_db()
    assert item.status == HospitationStatus.DATE_PROPOSED
    assert "12. Juni" in mail.outbox[-1].body
    client.force_login(people["visitor"])
    client.post(f"/meine-anfragen/{item.pk}/termin-annehmen/")
    item.refresh_from_db()
    assert (item.status, item.period) == (HospitationStatus.REQUESTED, "12. Juni, 10 Uhr")


def test_request_creation_is_rate_limited(client, case, people, monkeypatch):
    monkeypatch.setattr(flow, "MAX_REQUESTS_PER_DAY", 1)
    ask(client, people["visitor"], case)
    response = ask(client, people["visitor"], case, message="noch eine")
    assert response.status_code == 429
    assert HospitationRequest.objects.count() == 1


def test_my_requests_lists_sent_and_received(client, case, people):
    ask(client, people["visitor"], case)
    client.force_login(people["host"])
    html = client.get("/meine-anfragen/").content.decode()
    assert "Erhalten" in html and case.title in html and "angefragt" in html


def test_anonymous_visitors_are_asked_to_log_in(client, case):
    html = client.get(f"/hospitation/anfragen/?fall={case.slug}").content.decode()
    assert "/konto/anmelden/" in html and "/konto/registrieren/" in html
