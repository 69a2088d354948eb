"""The starter thesaurus: loaded once into an empty installation, never over the editors' own groups."""

from __future__ import annotations

import pytest

from search.models import SynonymGroup
from search.query_terms import build_query_terms
from search.synonyms import load_starter_thesaurus, starter_groups

pytestmark = pytest.mark.django_db


def test_starter_thesaurus_fills_an_empty_installation_once():
    groups = starter_groups()
    assert len(groups) > 150 and all("," in group for group in groups)
    assert load_starter_thesaurus() == len(groups)
    assert SynonymGroup.objects.count() == len(groups)
    assert load_starter_thesaurus() == 0
    assert SynonymGroup.objects.count() == len(groups)


def test_starter_thesaurus_leaves_editors_groups_alone():
    SynonymGroup.objects.create(terms="Dorfladen, Nahversorger")
    assert load_starter_thesaurus() == 0
    assert list(SynonymGroup.objects.values_list("terms", flat=True)) == ["Dorfladen, Nahversorger"]


def test_everyday_words_reach_official_ones_and_count_as_bridged():
    load_starter_thesaurus()
    terms = build_query_terms("Bücherei abends offen")
    assert "bibliothek" in terms.expansions
    assert terms.bridged == frozenset({"bucherei"})


def test_comment_lines_and_blank_lines_are_not_groups(tmp_path):
    path = tmp_path / "synonyms.txt"
    path.write_text("# Kommentar\n\nMüll, Abfall\n", encoding="utf-8")
    assert starter_groups(path) == ["Müll, Abfall"]


def test_only_whole_alternatives_are_highlighted_not_their_compound_parts():
    load_starter_thesaurus()
    marked = build_query_terms("Bücherei").marked
    assert {"bucherei", "bibliothek", "stadtbibliothek"} <= marked
    assert "stadt" not in marked and "gemeind" not in marked  # parts of "Stadtbibliothek", "Gemeindebücherei"
