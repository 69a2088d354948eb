"""Introductions: who is introduced for a need (and who never is), what each side is told, the answers
„Wir helfen gern“ / „Wir sind dabei“ / „Ja, Kontakt aufnehmen“ or a decline, „Meine Anfragen“, and the
re-matching of needs when cases or needs changed."""

from __future__ import annotations

import pytest

from agency import services as agency
from agency.introductions import introduction_reasons_for
from agency.models import (
    Introduction,
    IntroductionKind,
    IntroductionSide,
    IntroductionStatus,
    Need,
    NeedKind,
    TownAgencySetting,
)
from notifications.models import NoticeKind
from solutions.models import Topic
from tests.agency.ui_world import install, towns
from tests.factories.register import municipality
from tests.factories.solutions import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(monkeypatch):
    fake, recorder = install(monkeypatch)
    places = towns()
    people = {
        "barleben": member(places["barleben"], "barleben", email="rathaus@barleben.example"),
        "wolmirstedt": member(places["wolmirstedt"], "wolmirstedt", email="buero@wolmirstedt.example"),
        "hemmingen": member(places["hemmingen"], "hemmingen", email="info@hemmingen.example"),
        "calw": member(places["calw"], "calw", email="it@calw.example"),
    }
    return {"towns": places, "people": people, "fake": fake, "recorder": recorder}


def need_for(world, who: str, title: str = "Heizungssensoren für Schulen", kind: str = NeedKind.SOLUTION) -> Need:
    topic = Topic.objects.get(slug="energie-klimaschutz")
    return agency.need_create(
        world["people"][who].membership,
        title=title,
        description="Wir möchten den Gasverbrauch senken – wer hat Erfahrung?",
        topics=[topic],
        kind=kind,
        radius_km=25 if kind == NeedKind.PARTNER else None,
    )


def test_matched_towns_are_introduced_and_both_sides_are_told(world):
    places = world["towns"]
    # Gröningen has no member: nobody could answer, so it is not introduced
    world["fake"].towns["barleben-heizungssensoren-fuer-schulen"] = [
        places["barleben"],  # the need's own town: never
        places["groeningen"],
        places["hemmingen"],
        places["calw"],
    ]
    need = need_for(world, "barleben")
    made = Introduction.objects.filter(need=need).order_by("pk")
    assert [i.municipality.name for i in made] == ["Hemmingen", "Calw"]
    first = made[0]
    assert first.kind == IntroductionKind.SOLVED and first.status == IntroductionStatus.OFFERED
    assert first.reasons == ["Hat „Heizungssensoren für Schulen“ gelöst", "ähnlich groß"]
    recorder = world["recorder"]
    assert recorder.kinds_for("03241007") == [NoticeKind.INTRODUCTION]
    told = next(c for c in recorder.calls if c.get("town") == "03241007")
    assert told["key"] == f"introduction:{first.pk}" and told["url"] == f"/meine-anfragen/vorstellungen/{first.pk}/"
    assert "Barleben sucht eine Kommune, die das gelöst hat" in told["title"]
    assert recorder.kinds_for("15083040") == [NoticeKind.NEED_MATCH, NoticeKind.NEED_MATCH]
    assert recorder.kinds_for("15083245") == []

    # asking again changes nothing and tells nobody twice
    calls = len(recorder.calls)
    assert agency.need_introduce(need) == []
    assert Introduction.objects.count() == 2 and len(recorder.calls) == calls


def test_at_most_five_towns_per_need(world):
    extra = [municipality(f"1508{n:04d}", f"Beispielort {n}", 4000 + n, lat=52.0, lon=11.0 + n / 100) for n in range(7)]
    for n, town in enumerate(extra):
        member(town, f"ort{n}")
    world["fake"].towns["barleben-heizungssensoren-fuer-schulen"] = extra
    need_for(world, "barleben")
    assert Introduction.objects.count() == 5
    assert sorted(Introduction.objects.values_list("municipality__name", flat=True)) == [
        f"Beispielort {n}" for n in range(5)
    ]


def test_a_town_that_switched_introductions_off_is_never_introduced(world, client):
    places = world["towns"]
    client.force_login(world["people"]["hemmingen"])
    client.post("/gesuche/meine/vorstellungen/", {"introductions": "0"})
    world["fake"].towns["barleben-heizungssensoren-fuer-schulen"] = [places["hemmingen"], places["calw"]]
    need = need_for(world, "barleben")
    assert list(Introduction.objects.values_list("municipality__name", flat=True)) == ["Calw"]
    # not later either, when the need is matched again
    world["fake"].version = "v2"
    assert agency.needs_rematch() == 1
    assert not Introduction.objects.filter(need=need, municipality=places["hemmingen"]).exists()
    assert TownAgencySetting.objects.get(municipality=places["hemmingen"]).introductions is False


def test_partners_are_introduced_once_not_both_ways(world):
    fake = world["fake"]
    theirs = need_for(world, "wolmirstedt", "Klimaschutzmanagerin teilen", NeedKind.PARTNER)
    fake.partners["barleben-klimaschutzmanagerin-teilen"] = [theirs.ref]
    ours = need_for(world, "barleben", "Klimaschutzmanagerin teilen", NeedKind.PARTNER)
    intro = Introduction.objects.get()
    assert (intro.need, intro.municipality, intro.other_need, intro.kind) == (
        ours,
        world["towns"]["wolmirstedt"],
        theirs,
        IntroductionKind.PARTNER,
    )
    # Wolmirstedt's need now finds Barleben's: the pair already knows of each other
    fake.partners[theirs.ref] = [ours.ref]
    assert agency.need_introduce(theirs) == []


def test_a_partner_pair_does_not_keep_the_two_towns_from_meeting_over_other_needs(world):
    fake, places = world["fake"], world["towns"]
    theirs = need_for(world, "wolmirstedt", "Klimaschutzmanagerin teilen", NeedKind.PARTNER)
    fake.partners["barleben-klimaschutzmanagerin-teilen"] = [theirs.ref]
    need_for(world, "barleben", "Klimaschutzmanagerin teilen", NeedKind.PARTNER)  # introduces Wolmirstedt
    # Wolmirstedt now looks for a town that has solved something, and Barleben has
    fake.towns["wolmirstedt-heizungssensoren-fuer-schulen"] = [places["barleben"]]
    sensors = need_for(world, "wolmirstedt")
    made = Introduction.objects.get(need=sensors)
    assert (made.municipality, made.kind) == (places["barleben"], IntroductionKind.SOLVED)
    # and another partner search of Wolmirstedt may find another one of Barleben's
    bauhof = need_for(world, "barleben", "Bauhof gemeinsam betreiben", NeedKind.PARTNER)
    fake.partners["wolmirstedt-bauhof-teilen"] = [bauhof.ref]
    other = need_for(world, "wolmirstedt", "Bauhof teilen", NeedKind.PARTNER)
    assert Introduction.objects.get(need=other).other_need == bauhof


def test_the_introduced_partner_reads_the_name_of_the_town_that_asked(world, client):
    fake, recorder = world["fake"], world["recorder"]
    theirs = need_for(world, "wolmirstedt", "Klimaschutzmanagerin teilen", NeedKind.PARTNER)
    fake.partners["barleben-klimaschutzstelle-mit-nachbarn-teilen"] = [theirs.ref]
    ours = need_for(world, "barleben", "Klimaschutzstelle mit Nachbarn teilen", NeedKind.PARTNER)
    intro = Introduction.objects.get(need=ours)

    to_wolmirstedt = next(c for c in recorder.calls if c.get("town") == "15083565")
    assert to_wolmirstedt["body"] == "Gemeinsam angehen: Barleben sucht dasselbe, 6 km entfernt"
    to_barleben = next(c for c in recorder.calls if c.get("town") == "15083040")
    assert to_barleben["body"] == "Gemeinsam angehen: Wolmirstedt sucht dasselbe, 15 km entfernt"
    # two partner searches of Barleben are told apart by the need's title
    assert to_barleben["title"] == (
        "Vorgestellt: Wolmirstedt sucht dasselbe wie Sie – „Klimaschutzstelle mit Nachbarn teilen“"
    )
    assert introduction_reasons_for(intro, IntroductionSide.HELPER) == [
        "Gemeinsam angehen: Barleben sucht dasselbe, 6 km entfernt"
    ]
    assert introduction_reasons_for(intro, IntroductionSide.SEEKER) == intro.reasons
    # and so reads the introduction's page
    client.force_login(world["people"]["wolmirstedt"])
    page = client.get(f"/meine-anfragen/vorstellungen/{intro.pk}/").content.decode()
    assert "Gemeinsam angehen: Barleben sucht dasselbe, 6 km entfernt" in page
    assert "Wolmirstedt sucht dasselbe" not in page


def test_the_author_hears_of_new_matches_in_proper_singular_and_plural(world):
    fake, places, recorder = world["fake"], world["towns"], world["recorder"]
    need_for(world, "barleben")
    fake.towns["barleben-heizungssensoren-fuer-schulen"] = [places["hemmingen"]]
    fake.version = "v2"
    assert agency.needs_rematch() == 1
    told = recorder.calls[-1]
    assert told["users"] == ["barleben"]
    assert told["body"] == "Gefunden: 1 Kommune, die es gelöst hat."
    fake.towns["barleben-heizungssensoren-fuer-schulen"] = [places["hemmingen"], places["calw"]]
    fake.version = "v3"
    agency.needs_rematch()
    assert recorder.calls[-1]["body"] == "Gefunden: 2 Kommunen, die es gelöst haben."


def test_answers_tell_the_other_side_and_agreement_needs_both(world, client):
    world["fake"].towns["barleben-heizungssensoren-fuer-schulen"] = [world["towns"]["hemmingen"]]
    need_for(world, "barleben")
    intro = Introduction.objects.get()
    recorder = world["recorder"]

    client.force_login(world["people"]["hemmingen"])
    page = client.get(f"/meine-anfragen/vorstellungen/{intro.pk}/").content.decode()
    assert "Wir helfen gern" in page and "Nein, danke" in page
    assert client.post(f"/meine-anfragen/vorstellungen/{intro.pk}/zustimmen/").status_code == 302
    intro.refresh_from_db()
    assert intro.helper_agreed_by == world["people"]["hemmingen"] and intro.status == IntroductionStatus.OFFERED
    answer = recorder.calls[-1]
    assert (answer["town"], answer["kind"], answer["key"]) == (
        "15083040",
        NoticeKind.ANSWER,
        f"introduction:{intro.pk}:helper:zustimmen",
    )
    # agreeing twice is refused in German
    again = client.post(f"/meine-anfragen/vorstellungen/{intro.pk}/zustimmen/")
    assert again.status_code == 409 and "Sie haben bereits zugestimmt" in again.content.decode()

    client.force_login(world["people"]["barleben"])
    page = client.get(f"/meine-anfragen/vorstellungen/{intro.pk}/").content.decode()
    assert "Ja, Kontakt aufnehmen" in page
    client.post(f"/meine-anfragen/vorstellungen/{intro.pk}/zustimmen/")
    intro.refresh_from_db()
    assert intro.status == IntroductionStatus.AGREED
    assert recorder.calls[-1]["town"] == "03241007" and "Kontaktdaten" in recorder.calls[-1]["title"]


def test_a_partner_answers_wir_sind_dabei_or_declines_without_a_reason(world, client):
    theirs = need_for(world, "wolmirstedt", "Bauhof gemeinsam betreiben", NeedKind.PARTNER)
    world["fake"].partners["barleben-bauhof-gemeinsam-betreiben"] = [theirs.ref]
    need_for(world, "barleben", "Bauhof gemeinsam betreiben", NeedKind.PARTNER)
    intro = Introduction.objects.get()
    client.force_login(world["people"]["wolmirstedt"])
    page = client.get(f"/meine-anfragen/vorstellungen/{intro.pk}/").content.decode()
    assert "Wir sind dabei" in page and "Gemeinsam angehen: Barleben sucht dasselbe" in page
    assert client.post(f"/meine-anfragen/vorstellungen/{intro.pk}/ablehnen/").status_code == 302
    intro.refresh_from_db()
    assert (intro.status, intro.declined_side) == (IntroductionStatus.DECLINED, "helper")
    assert world["recorder"].calls[-1]["key"] == f"introduction:{intro.pk}:helper:ablehnen"
    # after a decline nobody can agree any more
    client.force_login(world["people"]["barleben"])
    late = client.post(f"/meine-anfragen/vorstellungen/{intro.pk}/zustimmen/")
    assert late.status_code == 409 and "bereits abgelehnt" in late.content.decode()


def test_another_towns_introduction_looks_missing(world, client):
    world["fake"].towns["barleben-heizungssensoren-fuer-schulen"] = [world["towns"]["hemmingen"]]
    need_for(world, "barleben")
    intro = Introduction.objects.get()
    client.force_login(world["people"]["calw"])
    assert client.get(f"/meine-anfragen/vorstellungen/{intro.pk}/").status_code == 404
    for action in ("zustimmen", "ablehnen"):
        assert client.post(f"/meine-anfragen/vorstellungen/{intro.pk}/{action}/").status_code == 404
    assert client.get("/meine-anfragen/vorstellungen/99999999999999999999/").status_code == 404
    assert Introduction.objects.get().status == IntroductionStatus.OFFERED
    client.logout()
    assert client.get(f"/meine-anfragen/vorstellungen/{intro.pk}/").status_code == 302  # to the login


def test_meine_anfragen_lists_introductions_beside_hospitation(world, client):
    world["fake"].towns["barleben-heizungssensoren-fuer-schulen"] = [world["towns"]["hemmingen"]]
    need_for(world, "barleben")
    intro = Introduction.objects.get()
    for who in ("hemmingen", "barleben"):
        client.force_login(world["people"][who])
        html = client.get("/meine-anfragen/").content.decode()
        assert "Vorstellungen der Matching-Agentur" in html and "Hospitationsanfragen" in html
        assert f'href="/meine-anfragen/vorstellungen/{intro.pk}/"' in html
        assert "Ihre Antwort fehlt" in html
    client.force_login(world["people"]["calw"])
    assert "Noch keine Vorstellungen." in client.get("/meine-anfragen/").content.decode()


def test_rematch_only_for_stale_needs_and_the_author_hears_of_it_once(world):
    fake, recorder = world["fake"], world["recorder"]
    need = need_for(world, "barleben")
    assert Need.objects.get().matched_version == "v1"
    assert agency.needs_rematch() == 0  # nothing changed since

    fake.version = "v2"
    fake.towns[need.ref] = [world["towns"]["calw"]]
    assert agency.needs_rematch() == 1
    assert Introduction.objects.get().municipality.name == "Calw"
    told = [c for c in recorder.calls if c.get("users") == ["barleben"]]
    assert len(told) == 1 and told[0]["kind"] == NoticeKind.NEED_MATCH
    assert told[0]["title"] == "Neue Treffer für Ihr Gesuch „Heizungssensoren für Schulen“"
    assert told[0]["url"] == f"/gesuche/{need.ref}/"
    assert agency.needs_rematch() == 0

    # a closed need is not re-matched
    agency.need_close(need.ref, world["people"]["barleben"].membership)
    fake.version = "v3"
    assert agency.needs_rematch() == 0


def test_a_failing_matcher_never_costs_the_member_the_need(world, monkeypatch, client):
    from agency import matches

    def broken(need):
        raise RuntimeError("Suchindex nicht erreichbar")

    monkeypatch.setattr(matches, "need_matches", broken)
    need = need_for(world, "barleben")
    assert Need.objects.filter(pk=need.pk).exists() and need.matched_version == ""
    page = client.get(f"/gesuche/{need.ref}/")
    assert page.status_code == 200 and "Die Treffer können gerade nicht berechnet werden" in page.content.decode()


def test_the_match_needs_command_says_how_many_needs_it_matched(world):
    import io

    from django.core.management import call_command

    need = need_for(world, "barleben")
    world["fake"].version = "v2"
    world["fake"].towns[need.ref] = [world["towns"]["calw"]]
    out = io.StringIO()
    call_command("match_needs", stdout=out)
    assert out.getvalue() == "1 Gesuch neu abgeglichen.\n"
    assert Introduction.objects.get().municipality.name == "Calw"
    out = io.StringIO()
    call_command("match_needs", stdout=out)
    assert out.getvalue() == "0 Gesuche neu abgeglichen.\n"


def test_the_towns_members_find_introductions_and_answers_in_their_notifications(monkeypatch, client):
    """With the real notification service: the bell's page lists what the agency told each side."""
    from agency import matches
    from notifications.models import Notification
    from tests.agency.ui_world import FakeMatching

    fake = FakeMatching()
    client.get("/gesuche/")  # load the URL configuration (and the API's binding of need_matches) first
    monkeypatch.setattr(matches, "need_matches", fake.need_matches)
    monkeypatch.setattr(matches, "matches_version", fake.matches_version)
    places = towns()
    seeker = member(places["barleben"], "barleben", email="rathaus@barleben.example")
    helper = member(places["hemmingen"], "hemmingen", email="info@hemmingen.example")
    fake.towns["barleben-heizungssensoren-fuer-schulen"] = [places["hemmingen"]]
    agency.need_create(
        seeker.membership,
        title="Heizungssensoren für Schulen",
        description="Gas sparen.",
        topics=[Topic.objects.get(slug="energie-klimaschutz")],
        kind=NeedKind.SOLUTION,
    )
    intro = Introduction.objects.get()
    told = Notification.objects.get(user=helper)
    assert (told.kind, told.key, told.url) == (
        NoticeKind.INTRODUCTION,
        f"introduction:{intro.pk}",
        f"/meine-anfragen/vorstellungen/{intro.pk}/",
    )
    assert Notification.objects.get(user=seeker).kind == NoticeKind.NEED_MATCH
    client.force_login(helper)
    client.post(f"/meine-anfragen/vorstellungen/{intro.pk}/zustimmen/")
    answer = Notification.objects.filter(user=seeker, kind=NoticeKind.ANSWER).get()
    assert (
        answer.title
        == "Hemmingen hat der Vorstellung zu „Heizungssensoren für Schulen“ zugestimmt – bitte antworten Sie auch"
    )


def test_a_need_of_a_town_without_members_asks_nobody_until_a_member_can_agree(world):
    """A workshop's need for a town with no account: the helper town would agree and then wait for ever, so
    no town is asked; once a member of the town is approved, the next round of re-matching asks them."""
    import datetime as dt

    from agency.models import NeedSource, NeedState

    places = world["towns"]
    need = Need.objects.create(
        ref="groeningen-heizungssensoren",
        kind=NeedKind.SOLUTION,
        municipality=places["groeningen"],
        title="Heizungssensoren für Schulen",
        description="Aus der Werkstatt in Magdeburg: Wir möchten den Gasverbrauch senken.",
        expires=dt.date.today() + dt.timedelta(days=90),
        state=NeedState.OPEN,
        source=NeedSource.IMPORT,
    )
    world["fake"].towns[need.ref] = [places["hemmingen"]]
    assert agency.need_introduce(need) == []
    assert agency.needs_rematch() == 1 and not Introduction.objects.exists()

    member(places["groeningen"], "groeningen", email="rathaus@groeningen.example")
    assert agency.needs_rematch() == 1
    assert list(Introduction.objects.values_list("municipality__name", flat=True)) == ["Hemmingen"]
    assert agency.needs_rematch() == 0
