from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from matching import tandem_rounds
from matching.hospitation import RefusedError
from matching.models import TandemApplication, TandemPair, TandemRound
from matching.tandem_matching import blocking_pairs, match_round
from solutions.models import Topic
from tests.factories.register import municipality
from tests.factories.solutions import member

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def round_(db):
    return TandemRound.objects.create(
        title="Tandems 2027",
        application_start=TODAY - dt.timedelta(days=3),
        application_end=TODAY + dt.timedelta(days=10),
    )


@pytest.fixture
def people(register):
    municipality("15083565", "Wolmirstedt", 11782, lat=52.25, lon=11.63)
    from municipalities.models import Municipality

    Municipality.objects.filter(ags="08235085").update(lat=48.71, lon=8.74)  # Calw, far from the Börde
    Municipality.objects.filter(ags="08118027").update(lat=48.87, lon=9.03)  # Hemmingen (BW)
    towns = {m.ags: m for m in Municipality.objects.all()}
    return {
        "mentee_a": member(towns["15083245"], "groeningen", email="neu@groeningen.example"),
        "mentee_b": member(towns["08118027"], "hemmingen", email="neu@hemmingen.example"),
        "mentor_a": member(towns["15083040"], "barleben", email="erfahren@barleben.example"),
        "mentor_b": member(towns["08235085"], "calw", email="erfahren@calw.example"),
    }


def apply(user, round_, role, years, **kwargs):
    return tandem_rounds.tandem_apply(
        member=user.membership,
        round=round_,
        role=role,
        in_office_since=TODAY - dt.timedelta(days=int(365.25 * years)),
        topics=list(Topic.objects.filter(slug__in=kwargs.pop("topics", []))),
        **kwargs,
    )


def test_eligibility_is_checked(round_, people):
    with pytest.raises(RefusedError, match="weniger als 2 Jahre"):
        apply(people["mentee_a"], round_, "mentee", 3)
    with pytest.raises(RefusedError, match="mindestens 5 Jahren"):
        apply(people["mentor_a"], round_, "mentor", 4)
    with pytest.raises(RefusedError, match="1 bis 3"):
        apply(people["mentor_a"], round_, "mentor", 8, capacity=4)
    apply(people["mentee_a"], round_, "mentee", 1)
    with pytest.raises(RefusedError, match="schon beworben"):
        apply(people["mentee_a"], round_, "mentee", 1)
    round_.application_end = TODAY - dt.timedelta(days=1)
    round_.save()
    with pytest.raises(RefusedError, match="nicht \\(mehr\\) offen"):
        apply(people["mentee_b"], round_, "mentee", 1)


def test_round_closes_into_a_stable_assignment_and_confirmation_notifies(
    round_, people, django_capture_on_commit_callbacks
):
    apply(people["mentee_a"], round_, "mentee", 1, topics=["strassen-infrastruktur"])
    apply(people["mentee_b"], round_, "mentee", 0.5, topics=["digitale-verwaltung"], same_state_only=True)
    apply(people["mentor_a"], round_, "mentor", 9, topics=["strassen-infrastruktur"])
    apply(people["mentor_b"], round_, "mentor", 12, topics=["digitale-verwaltung"])

    tandem_rounds.tandem_round_close(round_.pk)

    pairs = {(p.mentee.municipality.ags, p.mentor.municipality.ags) for p in TandemPair.objects.all()}
    assert pairs == {("15083245", "15083040"), ("08118027", "08235085")}
    applications = TandemApplication.objects.select_related("municipality").prefetch_related("topics")
    mentees = [tandem_rounds._applicant(a) for a in applications if a.role == "mentee"]
    mentors = [tandem_rounds._applicant(a) for a in applications if a.role == "mentor"]
    assert blocking_pairs(mentees, mentors, match_round(mentees, mentors)) == []

    with django_capture_on_commit_callbacks(execute=True):
        tandem_rounds.tandem_round_confirm(round_.pk)
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted(
        ["neu@groeningen.example", "neu@hemmingen.example", "erfahren@barleben.example", "erfahren@calw.example"]
    )
    groeningen_mail = next(m for m in mail.outbox if m.to == ["neu@groeningen.example"])
    assert "Barleben" in groeningen_mail.body and "erfahren@barleben.example" in groeningen_mail.body


def test_unmatched_applicants_get_a_reason(round_, people):
    apply(people["mentee_a"], round_, "mentee", 1, max_distance_km=10)  # nobody within 10 km
    apply(people["mentor_b"], round_, "mentor", 12)
    tandem_rounds.tandem_round_close(round_.pk)
    mentee = TandemApplication.objects.get(role="mentee")
    assert mentee.unmatched_reason
    assert not TandemPair.objects.exists()


def test_partners_see_each_other_only_after_confirmation(client, round_, people):
    apply(people["mentee_a"], round_, "mentee", 1)
    apply(people["mentor_a"], round_, "mentor", 9)
    tandem_rounds.tandem_round_close(round_.pk)
    client.force_login(people["mentee_a"])
    assert "erfahren@barleben.example" not in client.get("/meine-anfragen/").content.decode()
    tandem_rounds.tandem_round_confirm(round_.pk)
    html = client.get("/meine-anfragen/").content.decode()
    assert "erfahren@barleben.example" in html and "Barleben" in html
    client.force_login(people["mentee_b"])  # not part of this tandem
    assert "erfahren@barleben.example" not in client.get("/meine-anfragen/").content.decode()


def test_confirm_requires_a_closed_round(round_):
    with pytest.raises(RefusedError):
        tandem_rounds.tandem_round_confirm(round_.pk)
    tandem_rounds.tandem_round_close(round_.pk)
    tandem_rounds.tandem_round_confirm(round_.pk)
    with pytest.raises(RefusedError, match="schon bestätigt"):
        tandem_rounds.tandem_round_close(round_.pk)


def test_application_form_and_admin_views(client, round_, people, admin_user):
    client.force_login(people["mentee_a"])
    response = client.post("/tandem/bewerben/", {"role": "mentee", "in_office_since": "01.01.2099"})
    assert response.status_code == 400 and "Zukunft" in response.content.decode()
    since = (TODAY - dt.timedelta(days=200)).strftime("%d.%m.%Y")
    response = client.post(
        "/tandem/bewerben/",
        {"role": "mentee", "in_office_since": since, "topics": [Topic.objects.get(slug="jugend").pk]},
    )
    assert response.status_code == 302
    assert TandemApplication.objects.get().topics.get().slug == "jugend"

    client.force_login(people["mentor_a"])  # a member, not an editor
    assert client.get(f"/admin/tandem-runden/{round_.pk}/").status_code in (302, 403)
    client.force_login(admin_user)
    assert client.get(f"/admin/tandem-runden/{round_.pk}/").status_code == 200
    assert client.post(f"/admin/tandem-runden/{round_.pk}/schliessen/").status_code == 302
    round_.refresh_from_db()
    assert round_.status == "closed"
    assert client.get("/admin/snippets/matching/tandemround/").status_code == 200
    assert client.get("/admin/snippets/matching/hospitationrequest/").status_code == 200


def test_confirming_with_the_mail_server_down_confirms_nothing(round_, people, settings, client, admin_user):
    from tests.matching import smtp

    apply(people["mentee_a"], round_, "mentee", 1, topics=["strassen-infrastruktur"])
    apply(people["mentor_a"], round_, "mentor", 9, topics=["strassen-infrastruktur"])
    tandem_rounds.tandem_round_close(round_.pk)
    smtp.smtp_settings(settings, smtp.closed_port())
    client.force_login(admin_user)
    response = client.post(f"/admin/tandem-runden/{round_.pk}/bestaetigen/", follow=True)
    assert response.status_code == 200
    assert "nicht bestätigt" in response.content.decode()
    round_.refresh_from_db()
    assert round_.status == "closed"
