"""Contacts are shared only when both sides agreed — one rule (matching.consent) for introductions by the
Matching-Agentur and for hospitation requests."""

from __future__ import annotations

import pytest

from agency import services as agency
from agency.models import Introduction, NeedKind
from matching import consent
from matching.models import HospitationRequest, HospitationStatus
from solutions.models import Topic
from tests.agency.ui_world import install, towns
from tests.factories.solutions import case_line, member, publish_cases

pytestmark = pytest.mark.django_db

SEEKER_MAIL, HELPER_MAIL = "rathaus@barleben.example", "info@hemmingen.example"


@pytest.fixture
def world(monkeypatch):
    fake, _ = install(monkeypatch)
    places = towns()
    seeker = member(places["barleben"], "barleben", email=SEEKER_MAIL)
    seeker.first_name, seeker.last_name = "Frieda", "Großmüller"
    seeker.save()
    helper = member(places["hemmingen"], "hemmingen", email=HELPER_MAIL)
    helper.first_name, helper.last_name = "Jörg", "Weißbach"
    helper.save()
    fake.towns["barleben-heizungssensoren-fuer-schulen"] = [places["hemmingen"]]
    agency.need_create(
        seeker.membership,
        title="Heizungssensoren für Schulen",
        description="Gas sparen in der Grundschule.",
        topics=[Topic.objects.get(slug="energie-klimaschutz")],
        kind=NeedKind.SOLUTION,
    )
    return {"seeker": seeker, "helper": helper, "intro": Introduction.objects.get(), "places": places}


def page_of(client, user, intro) -> str:
    client.force_login(user)
    response = client.get(f"/meine-anfragen/vorstellungen/{intro.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def answer(client, user, intro, action: str) -> None:
    client.force_login(user)
    assert client.post(f"/meine-anfragen/vorstellungen/{intro.pk}/{action}/").status_code == 302


def test_contacts_stay_hidden_until_both_agreed_then_both_see_both(client, world):
    intro, seeker, helper = world["intro"], world["seeker"], world["helper"]
    for user in (seeker, helper):
        html = page_of(client, user, intro)
        assert SEEKER_MAIL not in html and HELPER_MAIL not in html and "Weißbach" not in html
        assert "Kontaktdaten erscheinen hier, sobald beide Seiten zugestimmt haben." in html

    answer(client, helper, intro, "zustimmen")
    for user in (seeker, helper):  # one side agreed: still nothing
        html = page_of(client, user, intro)
        assert SEEKER_MAIL not in html and HELPER_MAIL not in html

    answer(client, seeker, intro, "zustimmen")
    for user in (seeker, helper):
        html = page_of(client, user, intro)
        assert "Frieda Großmüller, Barleben" in html and SEEKER_MAIL in html
        assert "Jörg Weißbach, Hemmingen" in html and HELPER_MAIL in html
    # and never on the public need page
    client.logout()
    public = client.get(f"/gesuche/{intro.need.ref}/").content.decode()
    assert SEEKER_MAIL not in public and HELPER_MAIL not in public and "Weißbach" not in public


@pytest.mark.parametrize("decliner", ["seeker", "helper"])
def test_a_declined_introduction_never_shows_contacts(client, world, decliner):
    intro, seeker, helper = world["intro"], world["seeker"], world["helper"]
    agreeing = helper if decliner == "seeker" else seeker
    answer(client, agreeing, intro, "zustimmen")
    answer(client, world[decliner], intro, "ablehnen")
    for user in (seeker, helper):
        html = page_of(client, user, intro)
        assert SEEKER_MAIL not in html and HELPER_MAIL not in html
        assert "Diese Vorstellung wurde abgelehnt; Kontaktdaten werden nicht geteilt." in html
    # even with both agreement stamps set, a decline wins
    Introduction.objects.filter(pk=intro.pk).update(
        seeker_agreed_at=intro.created_at, helper_agreed_at=intro.created_at
    )
    html = page_of(client, seeker, intro)
    assert HELPER_MAIL not in html


def test_an_opted_out_town_is_never_introduced(world, client):
    client.force_login(world["helper"])
    client.post("/gesuche/meine/vorstellungen/", {"introductions": "0"})
    need = agency.need_create(
        world["seeker"].membership,
        title="Heizungssensoren für Schulen",
        description="Zweiter Anlauf.",
        topics=[Topic.objects.get(slug="energie-klimaschutz")],
        kind=NeedKind.SOLUTION,
    )
    assert not Introduction.objects.filter(need=need).exists()


def test_the_rule_itself():
    assert consent.contacts_shared(True, True) is True
    assert consent.contacts_shared(True, False) is False
    assert consent.contacts_shared(False, True) is False
    assert consent.contacts_shared(True, True, declined=True) is False
    by_status = {
        status: consent.hospitation_contacts_shared(HospitationRequest(status=status))
        for status in HospitationStatus.values
    }
    assert by_status == {
        "requested": False,
        "date_proposed": False,
        "accepted": True,
        "declined": False,
        "cancelled": False,
    }


def test_hospitation_and_introductions_answer_to_the_same_rule(client, world, tmp_path, index, monkeypatch):
    """Changing the one rule changes both pages: the hospitation page does not keep a copy of it."""
    from matching import hospitation as flow

    places, seeker, helper, intro = world["places"], world["seeker"], world["helper"], world["intro"]
    (case,) = publish_cases(
        tmp_path,
        case_line("hemmingen-heizung", municipality_ags="03241007", hosts_visits=True, visits_per_year=2),
    )
    item = flow.hospitation_request(
        member=seeker.membership,
        solution=case,
        host=places["hemmingen"],
        period="Mai",
        people=2,
        message="Wir möchten die Sensoren sehen.",
    )
    flow.hospitation_accept(item.pk, helper.membership, "Gern!")
    answer(client, helper, intro, "zustimmen")
    answer(client, seeker, intro, "zustimmen")
    client.force_login(seeker)
    assert HELPER_MAIL in client.get(f"/meine-anfragen/{item.pk}/").content.decode()
    assert HELPER_MAIL in client.get(f"/meine-anfragen/vorstellungen/{intro.pk}/").content.decode()

    monkeypatch.setattr(consent, "contacts_shared", lambda *agreed, declined=False: False)
    assert HELPER_MAIL not in client.get(f"/meine-anfragen/{item.pk}/").content.decode()
    assert HELPER_MAIL not in client.get(f"/meine-anfragen/vorstellungen/{intro.pk}/").content.decode()
