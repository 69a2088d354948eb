from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail

from solutions.models import SolutionPage, Topic
from tests.factories.solutions import member

pytestmark = pytest.mark.django_db

FORM = {
    "title": "Bürgerbus mit Ehrenamtlichen",
    "teaser": "Ein Bus, den Freiwillige fahren.",
    "topics": [],
    "problem": "Kein Bus am Wochenende.",
    "solution": "Ein Verein fährt.\n\nDie Gemeinde zahlt den Bus.",
    "results": "200 Fahrten im Monat.",
    "lessons_learned": "Versicherung früh klären.",
    "costs_eur": "80000",
    "year": "2022",
    "status": "in_operation",
}


@pytest.fixture
def editor(index):
    user = User.objects.create_user("redakteurin", "redaktion@example.org", "passwort-fuer-die-redaktion")
    user.groups.add(Group.objects.get(name="Redaktion"))
    return user


def submit(client, user, **changes):
    client.force_login(user)
    data = {**FORM, "topics": [Topic.objects.get(slug="mobilitaet").pk], **changes}
    return client.post("/einreichen/", data)


def test_submission_creates_a_draft_in_review_for_the_users_own_municipality(client, register, index, editor):
    user = member(register["groeningen"])
    response = submit(client, user)

    page = SolutionPage.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/meine-einreichungen/{page.pk}/"
    assert not page.live
    assert page.lead_municipality == register["groeningen"]
    assert page.get_parent().specific == index
    assert page.current_workflow_state is not None
    assert page.current_workflow_state.status == "in_progress"
    assert page.current_workflow_state.workflow.name == "Redaktion prüft"
    assert [m.to for m in mail.outbox] == [["redaktion@example.org"]]  # editors are notified


def test_submitted_case_is_invisible_until_an_editor_publishes_it(client, register, index, editor):
    submit(client, member(register["groeningen"]))
    page = SolutionPage.objects.get()
    client.logout()

    assert client.get(f"/praxisbeispiele/{page.slug}/").status_code == 404
    assert page.title not in client.get("/praxisbeispiele/").content.decode()
    assert page.title not in client.get("/themen/mobilitaet/").content.decode()

    page.get_latest_revision().publish(user=editor)

    response = client.get(f"/praxisbeispiele/{page.slug}/")
    assert response.status_code == 200
    assert "Bürgerbus mit Ehrenamtlichen" in response.content.decode()


def test_form_errors_keep_what_was_typed(client, register, index):
    response = submit(client, member(register["groeningen"]), title="", year="2999")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Das Jahr liegt in der Zukunft." in html
    assert "Kein Bus am Wochenende." in html
    assert not SolutionPage.objects.exists()


def test_user_sees_drafts_of_their_own_municipality_only(client, register, index):
    submit(client, member(register["groeningen"], "groeningen"))
    draft = SolutionPage.objects.get()
    other = member(register["calw"], "calw")
    colleague = member(register["groeningen"], "kollegin")

    client.force_login(other)
    assert client.get(f"/meine-einreichungen/{draft.pk}/").status_code == 404
    assert draft.title not in client.get("/meine-einreichungen/").content.decode()

    client.force_login(colleague)
    response = client.get(f"/meine-einreichungen/{draft.pk}/")
    assert response.status_code == 200
    assert "in Prüfung durch die Redaktion" in response.content.decode()


def test_only_approved_members_may_submit(client, register, index):
    outsider = User.objects.create_user("gast", "gast@example.org", "irgendein-passwort-42")
    unapproved = member(register["calw"], "neu", approved=False)

    assert client.get("/einreichen/").status_code == 302  # anonymous → login
    for user in (outsider, unapproved):
        client.force_login(user)
        assert client.get("/einreichen/").status_code == 403
        assert client.post("/einreichen/", FORM).status_code == 403
    assert not SolutionPage.objects.exists()


def test_submission_cannot_be_made_for_another_municipality(client, register, index):
    submit(client, member(register["groeningen"]), lead_municipality=register["calw"].pk)
    assert SolutionPage.objects.get().lead_municipality == register["groeningen"]


def test_forbidden_page_is_german_and_says_why(client, register, index):
    client.force_login(member(register["calw"], "neu", approved=False))
    response = client.get("/einreichen/")
    assert response.status_code == 403
    assert "Nur bestätigte Mitglieder" in response.content.decode()
