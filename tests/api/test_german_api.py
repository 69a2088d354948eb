"""Issue 16, „Make the tests walk where users walk“: German text in every search box and every API query.

Whatever a mayor types – umlauts, ß, „Anführungszeichen“, dashes, emoji, „<“, a 42-letter compound – the
search API, the suggestions, the municipality search and the pages behind them answer without a 500 and
show the query back escaped; a case is found by its own title, a town by its name with or without umlauts,
and every name arrives in the JSON exactly as it was stored."""

from __future__ import annotations

import pytest
from django.utils.html import escape
from hypothesis import example, given, settings

from municipalities.text import is_ascii_slug
from search.indexing import process_outbox
from tests.factories.register import municipality
from tests.factories.solutions import case_line, publish_cases
from tests.strategies import (
    DB_EXAMPLES,
    LONG_COMPOUND,
    TRANSLITERATION,
    each_example_undone,
    german_text,
    german_umlaut_word,
    german_words,
    hard_names,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(tmp_path, register, index):
    return publish_cases(
        tmp_path,
        case_line("barleben-strassen"),
        case_line(
            "calw-gruen",
            title="Grünflächen & Friedhöfe – „Blühwiesen“ statt Rasen",
            municipality_ags="08235085",
            topics=["klimaanpassung"],
        ),
    )


@settings(DB_EXAMPLES, max_examples=10)  # plus the named hard cases
@given(q=german_text(max_size=120))
@hard_names("q")
@example(q="Schlaglöcher erfassen")
@example(q=LONG_COMPOUND)
def test_any_german_query_is_answered_by_the_search_api_and_page(client, cases, q):
    with each_example_undone():
        response = client.get("/api/v1/solutions/", {"q": q})
        assert response.status_code == 200, (q, response.content[:500])
        body = response.json()
        assert body["count"] >= len(body["results"])
        for hit in body["results"]:
            assert is_ascii_slug(hit["slug"]) and hit["url"].endswith(f"/{hit['slug']}/")

        page = client.get("/suche/", {"q": q})
        assert page.status_code == 200, q
        # The query stands in the search box as typed (escaped once, not cut, not double-escaped).
        assert f'value="{escape(q)}"' in page.content.decode()

        assert client.get("/api/v1/suggest/", {"q": q}).status_code == 200
        assert client.get("/api/v1/municipalities/", {"q": q[:100]}).status_code == 200
        assert client.get("/kommunen/", {"q": q[:100]}).status_code == 200


@DB_EXAMPLES
@given(title=german_words(5))
@example(title="Grünflächen & Friedhöfe")
@example(title=LONG_COMPOUND)
@example(title="Fußgängerübergänge sicherer machen")
def test_a_case_is_found_by_its_own_german_title(client, tmp_path, register, index, title):
    with each_example_undone():
        [case] = publish_cases(tmp_path, case_line("gesuchter-fall", title=title, summary="Kurz gesagt."))
        process_outbox()  # what the background task does once the editor's transaction commits
        body = client.get("/api/v1/solutions/", {"q": title}).json()
        assert case.slug in [hit["slug"] for hit in body["results"]], (title, body["count"])
        hit = next(hit for hit in body["results"] if hit["slug"] == case.slug)
        assert hit["title"] == title
        html = client.get("/suche/", {"q": title}).content.decode()
        assert escape(title) in html
        assert client.get(f"/api/v1/solutions/{case.slug}/").json()["title"] == title


@DB_EXAMPLES
@given(word=german_umlaut_word(), rest=german_words(2))
@example(word="Großröhrsdorf", rest="Oberlausitz")
@example(word="Übach", rest="Palenberg")
@example(word="Müß", rest="Ölsnitz")
def test_a_town_with_umlauts_is_found_with_and_without_them_and_its_profile_shows_its_name(
    client, register, word, rest
):
    name = f"{word[:1].upper()}{word[1:]}-{rest}"
    with each_example_undone():
        town = municipality("09999001", name, 4321, district_name=f"Landkreis {rest}")
        assert is_ascii_slug(town.slug), town.slug
        for typed in (name, name.translate(TRANSLITERATION), name.lower(), word):
            found = client.get("/api/v1/municipalities/", {"q": typed})
            assert found.status_code == 200
            assert "09999001" in [m["ags"] for m in found.json()["results"]], typed
        detail = client.get("/api/v1/municipalities/09999001/").json()
        assert detail["name"] == name

        profile = client.get(town.get_absolute_url())
        assert profile.status_code == 200
        assert escape(name) in profile.content.decode()
