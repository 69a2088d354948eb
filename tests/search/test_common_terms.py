"""Very common terms are left out of the lexical match on the database backend (they cost time, not
relevance), without losing the query: the rarer words still find and rank the right case."""

from __future__ import annotations

import pytest

from search.backends import database
from search.backends.database import lexical
from search.query_terms import build_query_terms
from search.service import search
from search.types import Mode, SearchQuery

pytestmark = pytest.mark.django_db


@pytest.fixture
def tiny_floor(monkeypatch):
    # In five test cases "common" means: in more than one of them.
    monkeypatch.setattr(database, "COMMON_TERM_FLOOR", 1)
    monkeypatch.setattr(database, "COMMON_TERM_SHARE", 0.2)
    lexical.reset()


@pytest.mark.parametrize("backend_name", ["database"], indirect=True)
def test_common_terms_are_dropped_while_a_rarer_term_remains(indexed, tiny_floor):
    terms = build_query_terms("Heizung Straße", lexical.vocabulary())
    selective = lexical.selective(terms.terms)
    assert selective and len(selective) < len(terms.terms)
    result = search(SearchQuery(text="Heizungsoptimierung Straße", mode=Mode.LEXICAL))
    assert result.hits[0].slug == "hemmingen-heizung"


@pytest.mark.parametrize("backend_name", ["database"], indirect=True)
def test_a_query_of_only_common_terms_still_finds_cases(indexed, tiny_floor):
    result = search(SearchQuery(text="Straße", mode=Mode.LEXICAL))
    assert result.hits[0].slug in {"barleben-strassen", "calw-strassenlaterne"}


@pytest.mark.parametrize("backend_name", ["database"], indirect=True)
def test_without_common_terms_nothing_changes(indexed):
    terms = build_query_terms("Heizung Straße", lexical.vocabulary())
    assert lexical.selective(terms.terms) == terms.terms


@pytest.mark.parametrize("backend_name", ["database"], indirect=True)
def test_a_query_of_only_common_terms_matches_them_in_titles_and_teasers(indexed, tiny_floor):
    # "Verbrauch" is in two of five cases: in the teaser of the heating case, only in the body of the LED case
    slugs = [hit.slug for hit in search(SearchQuery(text="Verbrauch", mode=Mode.LEXICAL)).hits]
    assert slugs == ["hemmingen-heizung"]


@pytest.mark.parametrize("backend_name", ["database"], indirect=True)
def test_phrase_bonus_is_checked_among_the_candidates_only(indexed):
    from search.models import SearchEntry

    ids = dict(SearchEntry.objects.values_list("slug", "id"))
    phrase = build_query_terms("Sensoren an den Heizanlagen").phrase
    assert lexical._phrase(phrase, list(ids.values())) == {ids["hemmingen-heizung"]}
    assert lexical._phrase(phrase, [ids["barleben-strassen"]]) == set()


@pytest.mark.parametrize("backend_name", ["database"], indirect=True)
def test_a_phrase_with_common_words_is_still_recognised_among_the_best_candidates(indexed, tiny_floor):
    from search.models import SearchEntry

    ids = dict(SearchEntry.objects.values_list("slug", "id"))
    phrase = build_query_terms("Verbrauch minus").phrase  # "Gasverbrauch minus 16 Prozent"
    assert len(lexical.selective(phrase)) < len(phrase)  # the SQLite check cannot use FTS5's phrase query
    best_first = [ids["hemmingen-heizung"], *(i for slug, i in ids.items() if slug != "hemmingen-heizung")]
    assert lexical._phrase(phrase, best_first) == {ids["hemmingen-heizung"]}
    assert lexical._phrase(phrase, [ids["barleben-strassen"]]) == set()
