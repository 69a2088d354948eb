"""The bell, /benachrichtigungen/ and its settings, „Suche speichern“ on /suche/ and „Thema folgen“."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from notifications.models import NoticeKind, Notification, SavedSearch, TopicFollow
from notifications.selectors import MAX_SAVED_SEARCHES
from notifications.services import notify
from search.indexing import process_outbox
from solutions.models import Topic
from tests.factories.solutions import case_line, publish_cases

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(tmp_path, towns, index):
    pages = publish_cases(
        tmp_path,
        case_line(
            "groeningen-gruenflaechen",
            title="Grünflächen pflegen mit Patenschaften",
            summary="Bürgerinnen und Bürger übernehmen die Pflege von Beeten und Grünflächen im Ort.",
            topics=["ehrenamt-vereine", "klimaanpassung"],
            municipality_ags="15083245",
            supplier=None,
        ),
        case_line(
            "calw-strassenbeleuchtung",
            title="Straßenbeleuchtung auf LED umstellen",
            summary="Die Stadt stellt ihre Straßenlaternen auf sparsame LED-Leuchten um.",
            topics=["energie-klimaschutz", "strassen-infrastruktur"],
            municipality_ags="08235085",
            supplier=None,
            status="completed",
        ),
    )
    process_outbox()
    return {p.slug: p for p in pages}


def bell_label(html: str) -> str | None:
    found = re.search(r'class="bell"[^>]*aria-label="([^"]+)"', html)
    return found.group(1) if found else None


# --- the bell -------------------------------------------------------------------------------------------


def test_the_bell_shows_the_unread_count(client, members, index):
    for k in range(3):
        notify([members["barleben"]], kind=NoticeKind.NEW_CASE, key=f"new_case:{k}", title=f"Neues Nr. {k}")
    (read,) = notify([members["barleben"]], kind=NoticeKind.NEW_CASE, key="new_case:9", title="Gelesen")
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())
    client.force_login(members["barleben"])
    html = client.get("/").content.decode()
    assert bell_label(html) == "Benachrichtigungen, 3 ungelesen"
    assert re.search(r'<span class="bell__count" aria-hidden="true">3</span>', html)

    client.post("/benachrichtigungen/alle-gelesen/")
    assert bell_label(client.get("/").content.decode()) == "Benachrichtigungen, keine ungelesen"


def test_no_bell_for_guests_and_members_waiting_for_approval(client, members, index):
    assert bell_label(client.get("/").content.decode()) is None
    client.force_login(members["pending"])
    assert bell_label(client.get("/").content.decode()) is None
    response = client.get("/benachrichtigungen/")
    assert response.status_code == 403
    assert "bestätigte Mitglieder" in response.content.decode()


# --- the list -------------------------------------------------------------------------------------------


def test_the_list_is_newest_first_marks_unread_and_pages(client, members, index):
    for k in range(25):
        notify(
            [members["barleben"]],
            kind=NoticeKind.NEW_CASE,
            key=f"new_case:{k}",
            title=f"Praxisbeispiel „Grünfläche {k:02d}“",
            url=f"/praxisbeispiele/fall-{k}/",
        )
    Notification.objects.filter(key="new_case:24").update(read_at=timezone.now())
    client.force_login(members["barleben"])
    html = client.get("/benachrichtigungen/").content.decode()
    titles = re.findall(r"Praxisbeispiel „Grünfläche (\d\d)“", html)
    assert titles[:3] == ["24", "23", "22"] and len(titles) == 20
    assert html.count('class="notice notice--unread"') == 19
    assert "Alle als gelesen markieren" in html
    assert "24 ungelesene Benachrichtigungen" in html
    page2 = client.get("/benachrichtigungen/?page=2").content.decode()
    assert re.findall(r"Praxisbeispiel „Grünfläche (\d\d)“", page2) == ["04", "03", "02", "01", "00"]

    # opening one marks it read and leads to the case
    item = Notification.objects.get(key="new_case:3")
    response = client.get(f"/benachrichtigungen/{item.pk}/")
    assert response.status_code == 302 and response.url == "/praxisbeispiele/fall-3/"
    item.refresh_from_db()
    assert item.read_at is not None


def test_someone_elses_notification_looks_missing(client, members, index):
    (theirs,) = notify([members["calw"]], kind=NoticeKind.NEW_CASE, key="new_case:1", title="Nur für Calw")
    client.force_login(members["barleben"])
    assert client.get(f"/benachrichtigungen/{theirs.pk}/").status_code == 404
    assert client.get("/benachrichtigungen/99999999999999999999/").status_code == 404
    assert "Nur für Calw" not in client.get("/benachrichtigungen/").content.decode()
    theirs.refresh_from_db()
    assert theirs.read_at is None


# --- settings -------------------------------------------------------------------------------------------


def test_settings_switch_mails_and_follow_topics(client, members, index):
    client.force_login(members["barleben"])
    html = client.get("/benachrichtigungen/einstellungen/").content.decode()
    assert "Wochenübersicht per E-Mail" in html and "Energie &amp; Klimaschutz" in html
    energy = Topic.objects.get(slug="energie-klimaschutz")
    water = Topic.objects.get(slug="wasser-abwasser")
    response = client.post(
        "/benachrichtigungen/einstellungen/", {"email_immediate": "on", "topics": [energy.pk, water.pk]}
    )
    assert response.status_code == 302
    assert "Ihre Einstellungen sind gespeichert." in client.get(response.url).content.decode()
    stored = members["barleben"].notification_settings
    assert stored.email_immediate and not stored.email_digest
    assert set(TopicFollow.objects.filter(user=members["barleben"]).values_list("topic__slug", flat=True)) == {
        "energie-klimaschutz",
        "wasser-abwasser",
    }
    bad = client.post("/benachrichtigungen/einstellungen/", {"email_digest": "on", "topics": ["99999999999999999999"]})
    assert bad.status_code == 400
    assert "Bitte prüfen Sie die markierten Angaben." in bad.content.decode()
    assert TopicFollow.objects.filter(user=members["barleben"]).count() == 2  # nothing half-written


def test_a_saved_search_can_be_deleted_but_not_someone_elses(client, members, index):
    mine = SavedSearch.objects.create(
        user=members["barleben"], text="Grünflächen pflegen", filters={"topic": ["klimaanpassung"]}, near="15083040"
    )
    theirs = SavedSearch.objects.create(user=members["calw"], text="Straßenbeleuchtung")
    client.force_login(members["barleben"])
    html = client.get("/benachrichtigungen/einstellungen/").content.decode()
    assert "„Grünflächen pflegen“" in html and "Straßenbeleuchtung" not in html
    assert "Thema: Klimaanpassung · Kommunen wie Barleben bevorzugt" in html
    client.post(f"/benachrichtigungen/suchen/{theirs.pk}/loeschen/")
    assert SavedSearch.objects.filter(pk=theirs.pk).exists()
    response = client.post(f"/benachrichtigungen/suchen/{mine.pk}/loeschen/", follow=True)
    assert "Die gespeicherte Suche ist gelöscht." in response.content.decode()
    assert not SavedSearch.objects.filter(pk=mine.pk).exists()


# --- „Suche speichern“ ----------------------------------------------------------------------------------


def test_save_a_search_with_its_filters_from_the_search_page(client, members, cases):
    client.force_login(members["barleben"])
    html = client.get("/suche/?q=Gr%C3%BCnfl%C3%A4chen+pflegen&topic=ehrenamt-vereine").content.decode()
    assert "Suche speichern" in html
    form = html[html.index('id="suche-speichern"') :]
    fields = dict(re.findall(r'<input type="hidden" name="(q|topic|near)" value="([^"]*)"', form))
    assert fields == {"q": "Grünflächen pflegen", "topic": "ehrenamt-vereine", "near": "15083040"}

    response = client.post(
        "/benachrichtigungen/suche-speichern/",
        {**fields, "next": "/suche/?q=Gr%C3%BCnfl%C3%A4chen+pflegen&topic=ehrenamt-vereine"},
    )
    assert response.status_code == 302 and response.url.endswith("#suche-speichern")
    page = client.get(response.url).content.decode()
    assert "Ihre Suche „Grünflächen pflegen“ ist gespeichert." in page
    saved = SavedSearch.objects.get()
    assert (saved.user, saved.text, saved.filters, saved.near) == (
        members["barleben"],
        "Grünflächen pflegen",
        {"topic": ["ehrenamt-vereine"]},
        "15083040",
    )

    again = client.post("/benachrichtigungen/suche-speichern/", fields, follow=True)
    assert "Die Suche „Grünflächen pflegen“ hatten Sie schon gespeichert." in again.content.decode()
    assert SavedSearch.objects.count() == 1


def test_save_a_search_for_straßenbeleuchtung_with_a_status_and_without_own_town(client, members, cases):
    client.force_login(members["calw"])
    data = {"q": "Straßenbeleuchtung", "status": "completed", "state": "Baden-Württemberg"}
    client.post("/benachrichtigungen/suche-speichern/", data)
    saved = SavedSearch.objects.get()
    assert saved.text == "Straßenbeleuchtung"
    assert saved.filters == {"state": ["08"], "status": ["completed"]} and saved.near == ""


def test_a_bad_filter_is_refused_in_german(client, members, cases):
    client.force_login(members["barleben"])
    response = client.post("/benachrichtigungen/suche-speichern/", {"q": "Grünflächen", "topic": "Gartenzwerge"})
    assert response.status_code == 400
    assert "Unbekanntes Thema „Gartenzwerge“" in response.content.decode()
    assert not SavedSearch.objects.exists()


def test_at_most_twenty_saved_searches(client, members, cases):
    for k in range(MAX_SAVED_SEARCHES):
        SavedSearch.objects.create(user=members["barleben"], text=f"Suche {k}")
    client.force_login(members["barleben"])
    response = client.post("/benachrichtigungen/suche-speichern/", {"q": "Straßenbeleuchtung"}, follow=True)
    assert f"Sie haben schon {MAX_SAVED_SEARCHES} Suchen gespeichert." in response.content.decode()
    assert SavedSearch.objects.count() == MAX_SAVED_SEARCHES


def test_only_approved_members_save_searches(client, members, cases):
    html = client.get("/suche/?q=Stra%C3%9Fenbeleuchtung").content.decode()
    assert "Suche speichern" not in html
    response = client.post("/benachrichtigungen/suche-speichern/", {"q": "Straßenbeleuchtung"})
    assert response.status_code == 302 and "/konto/anmelden/" in response.url
    client.force_login(members["pending"])
    assert "Suche speichern" not in client.get("/suche/?q=Stra%C3%9Fenbeleuchtung").content.decode()
    assert client.post("/benachrichtigungen/suche-speichern/", {"q": "Straßenbeleuchtung"}).status_code == 403
    assert not SavedSearch.objects.exists()


def test_saving_searches_is_rate_limited(client, members, cases, monkeypatch):
    from core import ratelimit

    monkeypatch.setitem(ratelimit.LIMITS, "saved_search", ratelimit.Limit("saved_search", 2, 3600))
    client.force_login(members["barleben"])
    codes = [client.post("/benachrichtigungen/suche-speichern/", {"q": f"Suche {k}"}).status_code for k in range(3)]
    assert codes == [302, 302, 429]


# --- „Thema folgen“ -------------------------------------------------------------------------------------


def test_follow_and_unfollow_a_topic_on_its_page(client, members, cases):
    url = "/themen/klimaanpassung/"
    assert "Thema folgen" not in client.get(url).content.decode()
    client.force_login(members["barleben"])
    assert "Thema folgen" in client.get(url).content.decode()
    response = client.post(
        "/benachrichtigungen/themen/klimaanpassung/folgen/", {"follow": "1", "next": url}, follow=True
    )
    html = response.content.decode()
    assert "Sie folgen jetzt dem Thema „Klimaanpassung“." in html and "Nicht mehr folgen" in html
    assert TopicFollow.objects.filter(user=members["barleben"], topic__slug="klimaanpassung").exists()
    client.post("/benachrichtigungen/themen/klimaanpassung/folgen/", {"follow": "0", "next": url})
    assert not TopicFollow.objects.exists()
    assert client.post("/benachrichtigungen/themen/gibt-es-nicht/folgen/").status_code == 404


# --- QA walk -------------------------------------------------------------------------------------------


REASONS = "20 km entfernt\ngemeinsames Thema „Energie & Klimaschutz“\nähnlich groß (Kleinstadt)"


def test_each_line_of_a_notification_is_shown_on_its_own(client, members, index):
    notify(
        [members["barleben"]],
        kind=NoticeKind.NEED_MATCH,
        key="introduction:7:seeker",
        title="Vorgestellt: Gröningen sucht dasselbe wie Sie",
        body=REASONS,
        url="/meine-anfragen/vorstellungen/7/",
    )
    client.force_login(members["barleben"])
    html = client.get("/benachrichtigungen/").content.decode()
    items = re.findall(r"<li>([^<]*)</li>", html[html.index('class="notice__body') :])
    assert items == ["20 km entfernt", "gemeinsames Thema „Energie &amp; Klimaschutz“", "ähnlich groß (Kleinstadt)"]
    # a one-line body stays a plain paragraph
    notify([members["barleben"]], kind=NoticeKind.NEW_CASE, key="new_case:1", title="Neu", body="Aus Calw.")
    assert '<p class="notice__body">Aus Calw.</p>' in client.get("/benachrichtigungen/").content.decode()


def test_guests_learn_under_the_hits_that_members_can_save_a_search(client, members, cases):
    html = client.get("/suche/?q=Gr%C3%BCnfl%C3%A4chen+pflegen").content.decode()
    assert "Mitglieder können diese Suche nach der" in html
    assert 'href="/konto/anmelden/?next=%2Fsuche%2F%3Fq%3DGr%25C3%25BCnfl%25C3%25A4chen%2Bpflegen"' in html
    assert html.index('class="result') < html.index("Mitglieder können diese Suche")  # below the hits
    client.force_login(members["barleben"])
    html = client.get("/suche/?q=Gr%C3%BCnfl%C3%A4chen+pflegen").content.decode()
    assert "Mitglieder können diese Suche" not in html and "Suche speichern" in html
