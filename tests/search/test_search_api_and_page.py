from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_api_shape_exactly_as_documented(client, indexed):
    response = client.get("/api/v1/solutions/", {"q": "Heizung", "topic": "energie-klimaschutz", "mode": "lexical"})
    body = response.json()
    assert response.status_code == 200
    assert set(body) >= {"count", "results", "facets", "backend"}
    assert body["backend"] == "database" and body["mode"] == "lexical"
    hit = body["results"][0]
    assert set(hit) >= {
        "slug",
        "title",
        "summary",
        "url",
        "score",
        "topics",
        "size_classes",
        "municipality",
        "highlight",
    }
    assert hit["slug"] == "hemmingen-heizung"
    # the documented keys unchanged; fields added later (population, size class) come beside them
    assert hit["municipality"].items() >= {"ags": "03241007", "name": "Hemmingen", "state": "Niedersachsen"}.items()
    assert hit["topics"] == ["energie-klimaschutz"]
    assert hit["size_classes"] == ["kleinstadt"]
    assert set(body["facets"]) == {"topic", "size_class", "state", "status", "proven"}  # „bewährt“ added later
    topic = next(f for f in body["facets"]["topic"] if f["value"] == "energie-klimaschutz")
    assert topic["label"] == "Energie & Klimaschutz" and topic["count"] >= 1


def test_api_echoes_the_mode(client, indexed):
    for mode in ("hybrid", "lexical", "semantic"):
        assert client.get("/api/v1/solutions/", {"q": "Straße", "mode": mode}).json()["mode"] == mode


@pytest.mark.parametrize(
    ("params", "error", "mentions"),
    [
        ({"topic": "gibts-nicht"}, "unknown_topic", "digitale-verwaltung"),
        ({"size_class": "dorf"}, "unknown_size_class", "landgemeinde"),
        ({"state": "Bavaria"}, "unknown_state", "09 Bayern"),
        ({"mode": "magic"}, "unknown_mode", "hybrid"),
        ({"q": "x" * 500}, "query_too_long", "499"),
        ({"page": "0"}, "invalid_page", "1"),
        ({"page": "abc"}, "invalid_page", "1"),
        ({"near": "123"}, "invalid_near", "8 Ziffern"),
        ({"q": "a\x00b"}, "invalid_query", "Steuerzeichen"),
    ],
)
def test_bad_parameters_are_400_with_the_valid_values(client, indexed, params, error, mentions):
    response = client.get("/api/v1/solutions/", params)
    assert response.status_code == 400
    assert response.json()["error"] == error
    assert mentions in response.json()["detail"]


def test_a_page_past_the_last_is_404_with_the_page_named(client, indexed):
    response = client.get("/api/v1/solutions/", {"page": "99", "q": "Straße"})
    assert response.status_code == 404
    assert response.json()["error"] == "page_out_of_range"
    assert "Seite 99" in response.json()["detail"]


def test_query_syntax_is_just_text(client, indexed):
    for q in ['"', "AND OR NOT", "title:*", "a' OR 1=1 --", "(((", "NEAR(a b)", '{"query": 1}', "\\"]:
        assert client.get("/api/v1/solutions/", {"q": q}).status_code == 200, q


def test_solution_detail_hides_contact_without_consent(client, indexed):
    body = client.get("/api/v1/solutions/hemmingen-heizung/").json()
    assert body["slug"] == "hemmingen-heizung"
    assert body["municipality"]["ags"] == "03241007"
    assert body["contact"] is None
    assert client.get("/api/v1/solutions/gibt-es-nicht/").status_code == 404


def test_suggest_titles_topics_and_municipalities(client, indexed):
    body = client.get("/api/v1/suggest/", {"q": "Heiz"}).json()
    assert [s["slug"] for s in body["solutions"]] == ["hemmingen-heizung"]
    assert client.get("/api/v1/suggest/", {"q": "energ"}).json()["topics"][0]["slug"] == "energie-klimaschutz"
    assert client.get("/api/v1/suggest/", {"q": "Groningen"}).json()["municipalities"][0]["ags"] == "15083245"


def test_search_page_with_facets_chips_and_pagination(client, indexed):
    html = client.get("/suche/", {"q": "Straße", "size_class": "mittelstadt", "mode": "lexical"}).content.decode()
    assert "Praxisbeispiel gefunden" in html or "Praxisbeispiele gefunden" in html
    assert "LED-Straßenbeleuchtung" in html
    assert "Straßenzustandserfassung mit KI" not in html  # a Kleinstadt case, filtered out
    assert "Größe (nach Einwohnerzahl): Mittelstadt" in html  # removable chip
    assert 'name="size_class" value="mittelstadt" checked' in html


def test_search_page_empty_state_suggests_topics(client, indexed):
    html = client.get("/suche/", {"q": "Quantencomputer Weltraumbahnhof", "mode": "lexical"}).content.decode()
    assert "Dazu haben wir noch kein Praxisbeispiel" in html
    assert "/themen/" in html


def test_search_page_bad_filter_is_a_400_page_that_keeps_the_query(client, indexed):
    response = client.get("/suche/", {"q": "Straße", "size_class": "dorf"})
    assert response.status_code == 400
    assert "Unbekannte Größenklasse" in response.content.decode()
    assert 'value="Straße"' in response.content.decode()


def test_case_page_shows_related_cases(client, indexed):
    html = client.get("/praxisbeispiele/calw-strassenlaterne/").content.decode()
    assert "Ähnliche Praxisbeispiele" in html


def test_the_page_counts_its_pages_with_the_page_size_it_was_asked_for(client, indexed):
    """/suche/ accepted page_size but counted pages of 10 and dropped the size from its links, so the
    second page repeated or skipped cases."""
    api = client.get("/api/v1/solutions/", {"q": "Straße", "mode": "lexical", "page_size": 50}).json()
    assert api["count"] >= 3
    html = client.get("/suche/", {"q": "Straße", "mode": "lexical", "page_size": 2}).content.decode()
    assert f"Seite 1 von {-(-api['count'] // 2)}" in html
    assert "page_size=2" in html.split('rel="next"')[0].rsplit("<a", 1)[1]
    second = client.get("/suche/", {"q": "Straße", "mode": "lexical", "page_size": 2, "page": 2}).content.decode()
    first_titles = {r["title"] for r in api["results"][:2]}
    assert not any(f">{title}</a>" in second for title in first_titles)
