"""„Kommunen wie meine“ in search: every hit names its lead town's size class and population; a signed-in,
approved member searches near its own town by default (a switch in the form turns it off, and it stays off),
and the hit says why it ranks higher."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from search.backends.database import lexical
from search.indexing import process_outbox
from tests.factories.solutions import case_line, member, publish_cases

pytestmark = pytest.mark.django_db

# Two cases that read the same word for word, so only the town tells them apart: Calw (Mittelstadt,
# Baden-Württemberg) is published first and wins the tie; Barleben (Kleinstadt, Sachsen-Anhalt) has the size
# of a small town like Hemmingen (Baden-Württemberg, 8.222 Einwohner).
TWIN_TEXT = {
    "title": "Winterdienst mit Streuplan-App",
    "summary": "Räumfahrzeuge melden per GPS, welche Straßen geräumt und gestreut sind; der Bauhof plant neu.",
    "problem": "Beschwerden über ungeräumte Gehwege und Nebenstraßen häuften sich jeden Winter.",
    "solution": "Eine Streuplan-App zeichnet die Touren auf und zeigt Lücken sofort.",
    "results": "Weniger Beschwerden, kürzere Räumtouren.",
    "lessons_learned": "Fahrer früh einbinden.",
    "topics": ["strassen-infrastruktur"],
    "supplier": None,
}
QUERY = "Winterdienst Streuplan"


@pytest.fixture
def twins(tmp_path, indexed):
    publish_cases(
        tmp_path,
        case_line("calw-winterdienst", municipality_ags="08235085", **TWIN_TEXT),
        case_line("barleben-winterdienst", municipality_ags="15083040", **TWIN_TEXT),
    )
    process_outbox()
    lexical.reset()
    return indexed


@pytest.fixture
def mayor(client, register):
    """The mayor of Hemmingen (Baden-Württemberg), a small town, signed in."""
    client.force_login(member(register["hemmingen_bw"]))
    return client


def order(html: str) -> list[str]:
    found = re.findall(r'href="[^"]*/(calw-winterdienst|barleben-winterdienst)/"', html)
    return list(dict.fromkeys(found))


def result_of(html: str, slug: str) -> str:
    """The markup of one hit in the result list."""
    start = html.index(f"/{slug}/")
    return html[start : html.index("</li>", start)]


def test_a_member_of_a_small_town_sees_cases_from_towns_of_its_size_first_and_why(mayor, twins):
    html = mayor.get("/suche/", {"q": QUERY}).content.decode()
    assert order(html) == ["barleben-winterdienst", "calw-winterdienst"]
    barleben = result_of(html, "barleben-winterdienst")
    assert "Passt zu Hemmingen: aus einer Kommune ähnlicher Größe" in barleben
    calw = result_of(html, "calw-winterdienst")
    assert "Passt zu Hemmingen: aus demselben Bundesland" in calw  # Calw is in Baden-Württemberg too
    assert "ähnlicher Größe" not in calw
    # the switch is visible, ticked and names the town
    switch = re.search(r'<input type="checkbox" id="search-similar"[^>]*>', html).group(0)
    assert "checked" in switch
    assert "Kommunen wie meine bevorzugen (Hemmingen)" in html


def test_switched_off_the_ranking_is_plain_and_stays_off_on_the_following_pages(mayor, twins):
    # unticking sends only the hidden 0 (what a browser sends for an unticked box)
    html = mayor.get("/suche/", {"q": QUERY, "similar": "0"}).content.decode()
    assert order(html) == ["calw-winterdienst", "barleben-winterdienst"]
    assert "Passt zu" not in html
    switch = re.search(r'<input type="checkbox" id="search-similar"[^>]*>', html).group(0)
    assert "checked" not in switch
    # the filter form carries it, so filtering this search keeps it plain
    assert '<input type="hidden" name="similar" value="0">' in html.split('class="filters__form"')[1]
    filtered = mayor.get("/suche/", {"q": QUERY, "similar": "0", "topic": "strassen-infrastruktur"})
    html = filtered.content.decode()
    assert order(html) == ["calw-winterdienst", "barleben-winterdienst"]
    assert "Passt zu" not in html
    # and so do the links of the filtered page (the chip that takes the filter back, „Alle Filter entfernen“)
    links = re.findall(r'<a class="chip" href="([^"]+)"', html) + re.findall(r'<a href="(\?[^"]+)">Alle Filter', html)
    assert len(links) == 2 and all("similar=0" in link for link in links)
    # ticked again: the browser sends the hidden 0 and then the box's 1; the last one counts
    html = mayor.get(f"/suche/?q={QUERY}&similar=0&similar=1").content.decode()
    assert order(html) == ["barleben-winterdienst", "calw-winterdienst"]


def test_the_own_towns_case_is_called_so_not_similar(client, register, twins):
    client.force_login(member(register["barleben"]))
    html = client.get("/suche/", {"q": QUERY}).content.decode()
    assert "Praxisbeispiel Ihrer Kommune" in result_of(html, "barleben-winterdienst")
    assert "Passt zu" not in result_of(html, "barleben-winterdienst")


def test_a_leftover_near_of_the_own_town_does_not_undo_switching_off(mayor, twins):
    html = mayor.get("/suche/", {"q": QUERY, "near": "08118027", "similar": "0"}).content.decode()
    assert order(html) == ["calw-winterdienst", "barleben-winterdienst"]
    assert "Passt zu" not in html


def test_a_member_awaiting_approval_searches_like_everyone(client, register, twins):
    client.force_login(member(register["hemmingen_bw"], approved=False))
    html = client.get("/suche/", {"q": QUERY}).content.decode()
    assert order(html) == ["calw-winterdienst", "barleben-winterdienst"]
    assert "search-similar" not in html and "Passt zu" not in html


def test_anonymous_hits_show_size_class_and_population_and_no_switch(client, twins):
    html = client.get("/suche/", {"q": QUERY}).content.decode()
    assert order(html) == ["calw-winterdienst", "barleben-winterdienst"]
    assert "Barleben · Kleinstadt · 9.238 Einwohner · Sachsen-Anhalt" in result_of(html, "barleben-winterdienst")
    assert "Calw · Mittelstadt · 24.448 Einwohner · Baden-Württemberg" in result_of(html, "calw-winterdienst")
    assert "Passt zu" not in html and "search-similar" not in html


def test_anonymous_near_in_the_url_still_ranks_and_says_why(client, twins):
    html = client.get("/suche/", {"q": QUERY, "near": "08118027"}).content.decode()
    assert order(html) == ["barleben-winterdienst", "calw-winterdienst"]
    assert "Passt zu Hemmingen: aus einer Kommune ähnlicher Größe" in result_of(html, "barleben-winterdienst")
    # the near= travels with the next search from the form
    assert '<input type="hidden" name="near" value="08118027">' in html


def test_the_api_hit_carries_population_and_size_class(client, twins):
    body = client.get("/api/v1/solutions/", {"q": QUERY}).json()
    barleben = next(hit for hit in body["results"] if hit["slug"] == "barleben-winterdienst")
    assert barleben["municipality"] == {
        "ags": "15083040",
        "name": "Barleben",
        "state": "Sachsen-Anhalt",
        "population": 9238,
        "size_class": "kleinstadt",
        "size_class_label": "Kleinstadt",
    }
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    place = schema["Place"]["properties"]
    assert {"population", "size_class", "size_class_label"} <= set(place)
    assert set(schema["Place"]["required"]) == {"ags", "name", "state"}  # old clients: nothing new is required


def test_a_town_with_a_new_population_shows_it_after_re_indexing(client, twins, register):
    barleben = register["barleben"]
    barleben.population = 4213
    barleben.save()  # a changed town queues its cases for the index
    process_outbox()
    html = client.get("/suche/", {"q": QUERY}).content.decode()
    assert "Barleben · Landgemeinde · 4.213 Einwohner" in result_of(html, "barleben-winterdienst")


def test_case_cards_show_the_population_too(client, twins):
    html = client.get("/themen/strassen-infrastruktur/").content.decode()
    assert "Barleben · Kleinstadt · 9.238 Einwohner · Sachsen-Anhalt" in html


def queries(client, url: str) -> int:
    lexical.reset()
    client.get(url)  # warm the per-process caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_members_search_page_does_not_query_per_hit(mayor, twins, tmp_path):
    url = f"/suche/?q={QUERY}"
    before = queries(mayor, url)
    publish_cases(
        tmp_path,
        *[
            case_line(f"winterdienst-{ags}", municipality_ags=ags, **{**TWIN_TEXT, "title": f"Streuplan {i}"})
            for i, ags in enumerate(["03241007", "15083245", "08118027", "15083040"])
        ],
    )
    process_outbox()
    # Not more with more hits (it may be one less: with few candidates the search reads the titles of
    # doubtful ones, see service._titles_holding_the_query).
    assert queries(mayor, url) <= before
