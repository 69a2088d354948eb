"""What the others hear: the lead town is told once when its solution is adopted and once when an adopter
reaches operation; the editors see reasons for stopping and decide whether the case shows them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from accounts.privacy import account_delete, personal_data_export
from adoption.models import AdoptionPlan
from adoption.services import PlanChanges, adoption_declare, adoption_update
from notifications.models import Notification
from solutions.models import SolutionAdopter

pytestmark = pytest.mark.django_db


def _declare(mayor, case, status="planned"):
    return adoption_declare(case.pk, mayor.membership, PlanChanges(status=status, started_on=dt.date(2026, 2, 1)))


def _lead_news(lead_member):
    return list(Notification.objects.filter(user=lead_member, kind="adoption_news").order_by("pk"))


def test_the_lead_town_is_told_once_per_event(case, mayor, lead_member):
    plan = _declare(mayor, case)
    news = _lead_news(lead_member)
    assert [n.title for n in news] == ["Wanzleben-Börde übernimmt Ihre Lösung „Straßenzustand per App erfassen“"]
    assert news[0].url == case.url
    adoption_update(plan.pk, mayor.membership, PlanChanges(status="pilot"))
    assert len(_lead_news(lead_member)) == 1  # a pilot is no news for the lead town
    adoption_update(plan.pk, mayor.membership, PlanChanges(status="in_operation"))
    adoption_update(plan.pk, mayor.membership, PlanChanges(status="completed"))
    titles = [n.title for n in _lead_news(lead_member)]
    assert titles[1:] == ["Wanzleben-Börde hat Ihre Lösung „Straßenzustand per App erfassen“ in Betrieb genommen"]
    # the adopter itself is not told about its own step
    assert not Notification.objects.filter(user=mayor, kind="adoption_news").exists()


def test_declaring_in_operation_tells_both_at_once(case, mayor, lead_member):
    _declare(mayor, case, status="in_operation")
    assert len(_lead_news(lead_member)) == 2


def test_the_editors_publish_and_withdraw_a_reason(client, case, mayor, editor, towns):
    plan = _declare(mayor, case, status="pilot")
    reason = "Die Förderung lief aus, bevor der Kreistag über die Anschlussfinanzierung entschied."
    adoption_update(plan.pk, mayor.membership, PlanChanges(status="stopped", stopped_reason=reason))
    client.force_login(editor)
    dashboard = client.get("/admin/").content.decode()
    assert "1 neuer Abbruchgrund" in dashboard and "Anschlussfinanzierung" in dashboard
    listing = client.get(reverse("adoption_admin:stopped"))
    html = listing.content.decode()
    assert listing.status_code == 200 and "Wanzleben-Börde" in html and reason in html and "veröffentlichen" in html
    row = SolutionAdopter.objects.get(municipality=towns["wanzleben"])
    assert row.public_stopped_reason == ""
    response = client.post(reverse("adoption_admin:stopped"), {"adopter": row.pk, "action": "veroeffentlichen"})
    assert response.status_code == 302
    row = SolutionAdopter.objects.get(municipality=towns["wanzleben"])
    assert row.stopped_reason_public and row.public_stopped_reason == reason
    # published on the live case and kept in the editors' next draft
    assert case.get_latest_revision_as_object().adopters.get(municipality=towns["wanzleben"]).stopped_reason_public
    assert "1 neuer Abbruchgrund" not in client.get("/admin/").content.decode()
    client.post(reverse("adoption_admin:stopped"), {"adopter": row.pk, "action": "zurueckziehen"})
    assert SolutionAdopter.objects.get(municipality=towns["wanzleben"]).public_stopped_reason == ""
    bad = client.post(reverse("adoption_admin:stopped"), {"adopter": "99999999999999999999999", "action": "x"})
    assert bad.status_code == 302


def test_members_cannot_open_the_editors_list(client, case, mayor):
    client.force_login(mayor)
    response = client.get(reverse("adoption_admin:stopped"))
    assert response.status_code in (302, 403)


def test_my_data_lists_the_declared_plans_and_deleting_keeps_the_towns_plan(case, mayor):
    _declare(mayor, case)
    data = personal_data_export(mayor)
    assert data["adoption_plans"][0]["case"] == "Straßenzustand per App erfassen"
    assert data["adoption_plans"][0]["municipality"] == {"ags": "15083531", "name": "Wanzleben-Börde"}
    assert data["adoption_steps"][0]["status"] == "planned"
    counts = account_delete(User.objects.get(pk=mayor.pk))
    assert counts["adoption_plans_unlinked"] == 1
    plan = AdoptionPlan.objects.get()
    assert plan.declared_by is None and plan.events.get().by is None


def test_an_editor_removes_a_name_before_publishing(client, case, mayor, editor, towns):
    plan = _declare(mayor, case, status="pilot")
    reason = "Bürgermeisterin Müller wollte nach der Wahl nicht weitermachen; die Förderung lief außerdem aus."
    adoption_update(plan.pk, mayor.membership, PlanChanges(status="stopped", stopped_reason=reason))
    client.force_login(editor)
    html = client.get(reverse("adoption_admin:stopped")).content.decode()
    assert "Vor dem Veröffentlichen Namen und persönliche Angaben entfernen" in html
    assert 'name="reason"' in html and "Bürgermeisterin Müller wollte" in html
    row = SolutionAdopter.objects.get(municipality=towns["wanzleben"])
    url = reverse("adoption_admin:stopped")
    # an empty text cannot be published; what the editor typed elsewhere is not lost
    empty = client.post(url, {"adopter": row.pk, "action": "veroeffentlichen", "reason": "  "})
    assert empty.status_code == 400 and "Ohne Grund gibt es nichts zu veröffentlichen" in empty.content.decode()
    shortened = "Nach der Kommunalwahl fehlte die Unterstützung; die Förderung lief außerdem aus."
    response = client.post(url, {"adopter": row.pk, "action": "veroeffentlichen", "reason": shortened})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.stopped_reason_public and row.public_stopped_reason == shortened
    page = client.get(case.url).content.decode()
    assert shortened in page and "Müller" not in page
    # the editors' draft carries the same wording
    draft = case.get_latest_revision_as_object().adopters.get(municipality=towns["wanzleben"])
    assert draft.stopped_reason == shortened and draft.stopped_reason_public
    # the town rewrites its reason: it goes back to the editors before the case shows it
    adoption_update(plan.pk, mayor.membership, PlanChanges(status="stopped", stopped_reason=reason + " Frau Müller."))
    row.refresh_from_db()
    assert not row.stopped_reason_public and "Müller" not in client.get(case.url).content.decode()


def test_an_edited_reason_that_is_too_long_stays_in_the_field(client, case, mayor, editor, towns):
    plan = _declare(mayor, case, status="pilot")
    adoption_update(plan.pk, mayor.membership, PlanChanges(status="stopped", stopped_reason="Haushaltssperre."))
    client.force_login(editor)
    row = SolutionAdopter.objects.get(municipality=towns["wanzleben"])
    long_text = "Straßenzustandsüberwachungsfahrzeugführerin " * 60
    response = client.post(
        reverse("adoption_admin:stopped"), {"adopter": row.pk, "action": "speichern", "reason": long_text}
    )
    html = response.content.decode()
    assert response.status_code == 400 and "Der Grund ist zu lang (höchstens 2000 Zeichen)" in html
    assert long_text.strip()[:200] in html
    row.refresh_from_db()
    assert row.stopped_reason == "Haushaltssperre." and not row.stopped_reason_public
