"""„Wir setzen das auch um“ and „Unsere Vorhaben“ as a mayor meets them: declaring on a live case, moving the
plan forward, stopping it with a reason, and what is refused (going back, other towns, the lead town)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from adoption.models import AdoptionEvent, AdoptionPlan
from adoption.services import adoption_statuses_next, adoption_transition_allowed
from solutions.models import SolutionAdopter, SolutionPage
from solutions.transfer import transfer_record

pytestmark = pytest.mark.django_db

PLANNED, PILOT, OPERATING, DONE, STOPPED = "planned", "pilot", "in_operation", "completed", "stopped"


@pytest.mark.parametrize(
    ("current", "new", "allowed"),
    [
        (None, PLANNED, True),
        (None, DONE, True),
        (None, STOPPED, False),  # nobody declares a stop
        (PLANNED, PILOT, True),
        (PLANNED, OPERATING, True),  # skipping forward is fine
        (PILOT, PILOT, True),  # texts only
        (PILOT, PLANNED, False),
        (DONE, OPERATING, False),
        (OPERATING, STOPPED, True),
        (DONE, STOPPED, True),
        (STOPPED, STOPPED, True),  # the reason may be corrected
        (STOPPED, PLANNED, False),  # back only through a new declaration
        (STOPPED, OPERATING, False),
        (PLANNED, "erfunden", False),
    ],
)
def test_the_status_machine(current, new, allowed):
    assert adoption_transition_allowed(current, new) is allowed


def test_the_form_offers_only_what_is_allowed():
    assert adoption_statuses_next(PILOT) == [PILOT, OPERATING, DONE, STOPPED]
    assert adoption_statuses_next(STOPPED) == [STOPPED]


def _declare(client, page, **fields):
    data = {
        "status": PLANNED,
        "started_on": "01.03.2026",
        "learned_from": str(page.lead_municipality_id),
        "notes": "",
        "kennzahl-TOTAL_FORMS": "2",
        "kennzahl-INITIAL_FORMS": "0",
        **fields,
    }
    return client.post(reverse("adoption:declare", args=[page.pk]), data)


def _row(page, town) -> SolutionAdopter:
    return SolutionAdopter.objects.get(page_id=page.pk, municipality=town)


def test_a_mayor_declares_and_the_case_shows_her_town(client, case, towns, mayor):
    client.force_login(mayor)
    form = client.get(reverse("adoption:declare", args=[case.pk]))
    html = form.content.decode()
    assert form.status_code == 200
    assert "Barleben (federführend)" in html and "Haldensleben" in html and "über die Plattform" in html
    assert "Anmerkungen (öffentlich)" in html
    response = _declare(
        client,
        case,
        status=PILOT,
        learned_from=str(towns["haldensleben"].pk),
        notes="Wir fahren mit dem Bauhof-Transporter – „Straßenzustandsüberwachung“ läuft über 14 Ortsteile.",
        **{"kennzahl-0-metric": "Anteil erfasster Straßen", "kennzahl-0-value": "62,5", "kennzahl-0-unit": "%"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"].endswith("/meine-anfragen/#vorhaben")
    row = _row(case, towns["wanzleben"])
    assert row.status == PILOT and row.since_year == 2026 and row.started_on == dt.date(2026, 3, 1)
    assert row.learned_from == towns["haldensleben"]
    assert "„Straßenzustandsüberwachung“" in row.notes
    assert row.outcomes == [{"metric": "Anteil erfasster Straßen", "value": 62.5, "unit": "%", "baseline": None}]
    assert row.is_sample is False
    # the published page carries it, and its transfer record counts the chain Barleben → Haldensleben → us
    live = SolutionPage.objects.get(pk=case.pk)
    record = transfer_record(live)
    assert record.count == 2 and record.pilot == 1 and record.depth == 2
    plan = AdoptionPlan.objects.get(page=case, municipality=towns["wanzleben"])
    assert plan.declared_by == mayor
    assert list(plan.events.values_list("status", "via")) == [(PILOT, "declaration")]
    # „Unsere Vorhaben“ lists it with an edit link
    page = client.get(reverse("agency:requests")).content.decode()
    assert "Unsere Vorhaben" in page and "Straßenzustand per App erfassen" in page and "Pilotphase" in page
    assert reverse("adoption:edit", args=[plan.pk]) in page


def test_declaring_twice_leads_to_the_edit_page(client, case, mayor):
    client.force_login(mayor)
    _declare(client, case)
    plan = AdoptionPlan.objects.get()
    response = client.get(reverse("adoption:declare", args=[case.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("adoption:edit", args=[plan.pk])


def test_forward_yes_back_no(client, case, towns, mayor):
    client.force_login(mayor)
    _declare(client, case, status=PILOT)
    plan = AdoptionPlan.objects.get()
    url = reverse("adoption:edit", args=[plan.pk])
    base = {
        "started_on": "2026-03-01",
        "learned_from": "plattform",
        "kennzahl-TOTAL_FORMS": "0",
        "kennzahl-INITIAL_FORMS": "0",
    }
    back = client.post(url, {**base, "status": PLANNED})
    assert back.status_code == 400 and "Dieser Stand ist von hier aus nicht möglich." in back.content.decode()
    assert _row(case, towns["wanzleben"]).status == PILOT
    forward = client.post(url, {**base, "status": OPERATING, "notes": "Läuft seit Mai im Regelbetrieb."})
    assert forward.status_code == 302
    row = _row(case, towns["wanzleben"])
    assert row.status == OPERATING and row.learned_from is None and row.notes == "Läuft seit Mai im Regelbetrieb."


def test_stopping_needs_a_reason_and_there_is_no_way_back_but_a_new_declaration(client, case, towns, mayor):
    client.force_login(mayor)
    _declare(client, case, status=PILOT)
    plan = AdoptionPlan.objects.get()
    first_declared = plan.declared_at
    url = reverse("adoption:edit", args=[plan.pk])
    base = {
        "started_on": "2026-03-01",
        "learned_from": "plattform",
        "kennzahl-TOTAL_FORMS": "0",
        "kennzahl-INITIAL_FORMS": "0",
    }
    without = client.post(url, {**base, "status": STOPPED, "stopped_reason": "  "})
    assert without.status_code == 400 and "Bitte nennen Sie kurz den Grund" in without.content.decode()
    reason = "Der Gemeinderat hat die Mittel gestrichen; Haushaltssperre bis Frühjahr – „vorerst“ kein Geld."
    assert client.post(url, {**base, "status": STOPPED, "stopped_reason": reason}).status_code == 302
    row = _row(case, towns["wanzleben"])
    assert row.status == STOPPED and row.stopped_reason == reason and not row.stopped_reason_public
    assert row.public_stopped_reason == ""  # not public until editors publish it
    # the edit page says it was stopped and offers the way back: a new declaration
    stopped_page = client.get(url).content.decode()
    assert "Wanzleben-Börde hat dieses Vorhaben <strong>abgebrochen</strong>" in stopped_page
    assert "Der Stand geht nur vorwärts" not in stopped_page
    assert f'class="button" href="{reverse("adoption:declare", args=[case.pk])}"' in stopped_page
    # no jump back from „abgebrochen“ through the edit form …
    again = client.post(url, {**base, "status": PILOT})
    assert again.status_code == 400
    assert _row(case, towns["wanzleben"]).status == STOPPED
    # … only a new declaration, which starts over (new date, reason cleared)
    assert client.get(reverse("adoption:declare", args=[case.pk])).status_code == 200
    assert _declare(client, case, status=PLANNED).status_code == 302
    plan.refresh_from_db()
    row = _row(case, towns["wanzleben"])
    assert row.status == PLANNED and row.stopped_reason == "" and plan.declared_at > first_declared
    assert list(plan.events.values_list("status", flat=True)) == [PILOT, STOPPED, PLANNED]


def test_only_members_of_the_town_may_change_a_plan(client, case, mayor, other_member, towns):
    client.force_login(mayor)
    _declare(client, case)
    plan = AdoptionPlan.objects.get()
    client.force_login(other_member)
    url = reverse("adoption:edit", args=[plan.pk])
    assert client.get(url).status_code == 404
    post = {
        "status": STOPPED,
        "stopped_reason": "Übernahme durch Fremde",
        "started_on": "2026-01-01",
        "learned_from": "plattform",
    }
    assert client.post(url, post).status_code == 404
    assert _row(case, towns["wanzleben"]).status == PLANNED
    assert client.get(reverse("adoption:edit", args=[2**70])).status_code == 404


def test_pending_members_and_strangers_are_refused(client, case, towns):
    from tests.factories.solutions import member

    pending = member(towns["suelzetal"], "neu-im-amt", approved=False)
    client.force_login(pending)
    response = client.get(reverse("adoption:declare", args=[case.pk]))
    assert response.status_code == 403 and "bestätigte Mitglieder" in response.content.decode()
    client.logout()
    anonymous = client.get(reverse("adoption:declare", args=[case.pk]))
    assert anonymous.status_code == 302 and "/konto/anmelden/" in anonymous["Location"]


def test_the_lead_town_cannot_adopt_its_own_solution(client, case, lead_member):
    client.force_login(lead_member)
    response = client.get(reverse("adoption:declare", args=[case.pk]))
    assert response.status_code == 409
    assert "Barleben ist die federführende Kommune dieses Praxisbeispiels" in response.content.decode()
    assert _declare(client, case).status_code == 409
    assert not AdoptionPlan.objects.exists()


def test_unknown_or_unpublished_cases_are_not_found(client, case, mayor):
    client.force_login(mayor)
    assert client.get(reverse("adoption:declare", args=[999999])).status_code == 404
    assert client.get(reverse("adoption:declare", args=[2**70])).status_code == 404
    case.unpublish()
    assert client.get(reverse("adoption:declare", args=[case.pk])).status_code == 404


def test_a_teacher_not_on_the_case_is_refused(client, case, mayor, towns):
    client.force_login(mayor)
    response = _declare(client, case, learned_from=str(towns["calw"].pk))
    assert response.status_code == 400
    assert "Bitte wählen Sie eine der genannten Kommunen" in response.content.decode()
    assert not AdoptionPlan.objects.exists()


def test_bad_figures_are_explained_and_nothing_is_saved(client, case, mayor):
    client.force_login(mayor)
    response = _declare(client, case, **{"kennzahl-0-metric": "Einsparung", "kennzahl-0-value": "viel"})
    assert response.status_code == 400 and "Bitte eine Zahl eingeben" in response.content.decode()
    response = _declare(client, case, **{"kennzahl-0-value": "12"})
    assert response.status_code == 400 and "Bitte sagen Sie, was die Zahl misst." in response.content.decode()
    assert not AdoptionPlan.objects.exists() and not AdoptionEvent.objects.exists()


def test_an_editor_entered_adopter_can_only_move_forward_by_declaring(client, case, towns):
    """Haldensleben is on the case „im Betrieb“ (editors entered it); a member cannot declare „geplant“."""
    from tests.factories.solutions import member

    client.force_login(member(towns["haldensleben"], "haldensleben"))
    response = _declare(client, case, status=PLANNED)
    assert response.status_code == 409 and "zurück geht es nicht" in response.content.decode()
    assert _declare(client, case, status=DONE).status_code == 302
    assert _row(case, towns["haldensleben"]).status == DONE


# --- „Beginn“: from 1990 on, not in the future once it runs, at most three years ahead while planned -------


def test_a_start_in_1850_or_far_ahead_is_refused_and_the_typed_date_kept(client, case, towns, mayor):
    client.force_login(mayor)
    too_early = _declare(client, case, status=PILOT, started_on="1850-03-01")  # as the date picker sends it
    html = too_early.content.decode()
    assert too_early.status_code == 400
    assert "Bitte einen Beginn zwischen dem 01.01.1990 und heute" in html
    assert 'value="1850-03-01"' in html  # what she typed stays in the field
    next_year = dt.date.today().year + 1
    running = _declare(client, case, status=PILOT, started_on=f"01.03.{next_year}")
    assert running.status_code == 400 and "Liegt der Beginn noch in der Zukunft, wählen Sie „geplant“" in (
        running.content.decode()
    )
    far = _declare(client, case, status=PLANNED, started_on=f"01.03.{next_year + 4}")
    assert far.status_code == 400 and "höchstens 3 Jahre im Voraus" in far.content.decode()
    assert not SolutionAdopter.objects.filter(municipality=towns["wanzleben"]).exists()  # nothing written
    planned = _declare(client, case, status=PLANNED, started_on=f"01.03.{next_year}")
    assert planned.status_code == 302
    assert _row(case, towns["wanzleben"]).since_year == next_year


def test_a_planned_start_next_year_cannot_become_a_pilot_without_a_new_date(client, case, towns, mayor):
    client.force_login(mayor)
    next_year = dt.date.today().year + 1
    _declare(client, case, status=PLANNED, started_on=f"01.03.{next_year}")
    plan = AdoptionPlan.objects.get()
    data = {
        "status": PILOT,
        "started_on": f"{next_year}-03-01",
        "learned_from": "plattform",
        "kennzahl-TOTAL_FORMS": "0",
        "kennzahl-INITIAL_FORMS": "0",
    }
    refused = client.post(reverse("adoption:edit", args=[plan.pk]), data)
    assert refused.status_code == 400 and "bei „Pilotphase“ hat es schon begonnen" in refused.content.decode()
    assert _row(case, towns["wanzleben"]).status == PLANNED


def test_the_service_holds_the_same_rule():
    from adoption.services import adoption_start_problem

    today = dt.date(2026, 12, 6)
    assert adoption_start_problem(dt.date(1990, 1, 1), PILOT, today) == ""
    assert "1990" in adoption_start_problem(dt.date(1989, 12, 31), OPERATING, today)
    assert adoption_start_problem(dt.date(2026, 12, 7), DONE, today)
    assert adoption_start_problem(dt.date(2029, 12, 6), PLANNED, today) == ""
    assert "06.12.2029" in adoption_start_problem(dt.date(2029, 12, 7), PLANNED, today)
