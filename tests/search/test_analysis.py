"""Pins the German analysis spec that the database backend runs in Python and Elasticsearch runs as index settings."""

from __future__ import annotations

import pytest

from search import analysis
from search.analysis import (
    COMPOUND_PARTS,
    MAX_SUBWORD_SIZE,
    MIN_SUBWORD_SIZE,
    STOPWORDS,
    WORDLISTS,
    analyze,
    analyze_query,
    decompound,
    elasticsearch_analysis,
    normalize,
    normalize_synonym_term,
    stem,
    tokenize,
)


def _raw_entries(name: str) -> list[str]:
    lines = (WORDLISTS / name).read_text(encoding="utf-8").splitlines()
    return [word for word in (line.split("#", 1)[0].strip() for line in lines) if word]


# --- what a user notices


@pytest.mark.parametrize("analyzer", [analyze, analyze_query])
def test_spellings_of_sharp_s_and_umlauts_meet(analyzer):
    assert analyzer("Strasse") == analyzer("Straße") == analyzer("STRASSE")
    assert analyzer("Muenchen") == analyzer("München") == analyzer("Munchen")


def test_plural_with_umlaut_has_the_singular_stem():
    assert analyze_query("Schlaglöcher") == analyze_query("Schlagloch") == ["schlagloch"]


def test_compound_is_found_by_its_parts():
    compound = set(analyze("Straßenzustandserfassung"))
    parts = set(analyze("Straße Zustand Erfassung"))
    assert {stem(normalize("straße")), "zustand", "erfassung"} <= parts
    assert parts <= compound
    assert analyze("Straßenzustandserfassung")[0] == "strassenzustandserfassung"  # the whole word stays


def test_heating_compound_yields_heating_and_optimisation():
    assert {"heizung", "optimierung"} <= set(analyze("Heizungsoptimierung"))


def test_query_side_does_not_decompound():
    assert analyze_query("Heizungsoptimierung") == ["heizungsoptimierung"]


@pytest.mark.parametrize("analyzer", [analyze, analyze_query])
def test_stop_words_vanish(analyzer):
    assert analyzer("der die und das für über") == []
    assert analyzer("Die Sanierung der Brücke und des Wegs") == analyzer("Sanierung Brücke Wegs")


def test_tokenize_splits_on_non_alphanumerics_and_lowercases():
    assert tokenize("Kita-Plätze: 3 neue (ÖPNV)!  CO2_Bilanz") == [
        "kita",
        "plätze",
        "3",
        "neue",
        "öpnv",
        "co2",
        "bilanz",
    ]
    assert tokenize(" -- ") == []


def test_synonym_terms_are_analyzed_like_the_query():
    assert normalize_synonym_term("Straßen-Zustand der Stadt") == "strass zustand stadt"
    assert normalize_synonym_term("Kita") == " ".join(analyze_query("Kita"))


# --- german_normalization


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("muenchen", "munchen"),
        ("münchen", "munchen"),
        ("straße", "strasse"),
        ("quelle", "quelle"),  # ue after q stays
        ("bauer", "bauer"),  # ue after a vowel stays
        ("schlaglöcher", "schlaglocher"),
        ("goettingen", "gottingen"),
        ("aerger", "arger"),
        ("feuer", "feuer"),
        ("aktuell", "aktull"),  # Lucene's rule, even where ue is no umlaut
        ("maß", "mass"),
        ("", ""),
    ],
)
def test_normalize(token, expected):
    assert normalize(token) == expected


# --- light_german, derived by hand from GermanLightStemmer


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("häuser", "haus"),  # step1 -er
        ("kindern", "kind"),  # step1 -ern
        ("kinder", "kind"),
        ("schulen", "schul"),  # step1 -en
        ("schule", "schul"),  # step1 -e
        ("strasse", "strass"),
        ("strassen", "strass"),
        ("gemeinden", "gemeind"),
        ("kosten", "kost"),
        ("tages", "tag"),  # step1 -es
        ("hofs", "hof"),  # step1 -s after an st-ending
        ("autos", "autos"),  # o is no st-ending
        ("jahrs", "jahrs"),  # Lucene's stEnding has no r
        ("schnellste", "schnell"),  # step1 -e, then step2 -st after l
        ("arbeitest", "arbeit"),  # step2 -est
        ("ältesten", "alt"),  # fold ä, step1 -en, step2 -est
        ("energie", "energi"),
        ("verwaltung", "verwaltung"),
        ("amt", "amt"),  # too short for any rule
    ],
)
def test_stem(token, expected):
    assert stem(token) == expected


# --- dictionary_decompounder loop bounds


@pytest.fixture
def tiny_parts(monkeypatch):
    monkeypatch.setattr(analysis, "COMPOUND_PARTS", frozenset({"ab", "abc", "bcd", "cde", "abcde", "x" * 15, "y" * 16}))


def test_decompound_skips_short_words(tiny_parts):
    assert decompound("abcd") == []


def test_decompound_emits_all_hits_by_start_then_length(tiny_parts):
    # "ab" is below MIN_SUBWORD_SIZE; "abcde" spans the whole token and is emitted, as Lucene does.
    assert decompound("abcde") == ["abc", "abcde", "bcd", "cde"]


def test_decompound_last_start_position(tiny_parts):
    assert decompound("xxabc") == ["abc"]


def test_decompound_max_subword_size(tiny_parts):
    assert decompound("x" * 16) == ["x" * 15, "x" * 15]
    assert decompound("y" * 16) == []


def test_decompound_only_longest_match(tiny_parts, monkeypatch):
    monkeypatch.setattr(analysis, "ONLY_LONGEST_MATCH", True)
    assert decompound("abcde") == ["abcde", "bcd", "cde"]


# --- word lists


@pytest.mark.parametrize("name", ["stopwords_de.txt", "compound_parts_de.txt"])
def test_wordlist_files_are_lower_case(name):
    assert [word for word in _raw_entries(name) if word != word.lower()] == []


def test_loaded_words_are_normalized():
    assert [word for word in STOPWORDS | COMPOUND_PARTS if normalize(word) != word] == []
    assert "dass" in STOPWORDS  # daß from the Snowball list


def test_compound_parts_fit_the_decompounder():
    assert len(COMPOUND_PARTS) >= 900
    assert [part for part in COMPOUND_PARTS if not MIN_SUBWORD_SIZE <= len(part) <= MAX_SUBWORD_SIZE] == []
    # A part that is also a stop word would be emitted and then dropped again.
    assert sorted(COMPOUND_PARTS & STOPWORDS) == []


# --- Elasticsearch settings mirror the Python chain


def test_es_analyzers_chain_filters_in_spec_order():
    analyzers = elasticsearch_analysis()["analyzer"]
    assert analyzers["de_index"] == {
        "type": "custom",
        "tokenizer": "standard",
        "filter": ["lowercase", "de_normalization", "de_decompounder", "de_stop", "de_stemmer"],
    }
    assert analyzers["de_query"]["filter"] == ["lowercase", "de_normalization", "de_stop", "de_stemmer"]
    assert analyzers["de_search"]["filter"] == ["lowercase", "de_normalization", "de_synonyms", "de_stop", "de_stemmer"]
    assert {analyzer["tokenizer"] for analyzer in analyzers.values()} == {"standard"}


def test_es_filters_carry_the_python_word_lists_and_parameters():
    filters = elasticsearch_analysis()["filter"]
    assert filters["de_normalization"] == {"type": "german_normalization"}
    assert filters["de_decompounder"] == {
        "type": "dictionary_decompounder",
        "word_list": sorted(COMPOUND_PARTS),
        "min_word_size": 5,
        "min_subword_size": 3,
        "max_subword_size": 15,
        "only_longest_match": False,
    }
    assert filters["de_stop"] == {"type": "stop", "stopwords": sorted(STOPWORDS)}
    assert filters["de_stemmer"] == {"type": "stemmer", "language": "light_german"}


def test_es_synonyms_are_a_search_time_synonym_set():
    settings = elasticsearch_analysis("my-set")
    assert settings["filter"]["de_synonyms"] == {"type": "synonym_graph", "synonyms_set": "my-set", "updateable": True}
    assert "de_decompounder" not in settings["analyzer"]["de_search"]["filter"]
    assert elasticsearch_analysis()["filter"]["de_synonyms"]["synonyms_set"] == "baukasten-synonyms"


def test_typo_corrections_prefer_the_closest_then_the_most_frequent_terms_in_every_process():
    from search.query_terms import _typo_corrections

    frequencies = {"rosten": 1, "posten": 9, "kosten": 5, "kasten": 2, "fosten": 1, "kostenlos": 50}
    reversed_order = dict(reversed(frequencies.items()))

    assert _typo_corrections("xosten", frequencies) == ["posten", "kosten", "fosten"]
    assert _typo_corrections("xosten", reversed_order) == ["posten", "kosten", "fosten"]
    assert _typo_corrections("kosten", frequencies) == []  # a known word is not corrected


@pytest.mark.django_db
def test_a_real_word_the_index_lacks_is_not_corrected_to_one_it_holds():
    from search.query_terms import build_query_terms

    vocabulary = {"schlag": 40, "schlank": 2, "amt": 90, "erfass": 30}
    waiting = build_query_terms("Schlange stehen im Amt", vocabulary)
    assert "schlag" not in waiting.expansions and "schlank" not in waiting.expansions
    assert "schlang" not in waiting.bridged
    typo = build_query_terms("Schläge erfasen", vocabulary)
    assert "erfass" in typo.expansions  # a misspelling still is corrected


def test_query_words_keep_the_typed_word_next_to_its_term():
    expected = [("bücherei", "bucherei"), ("abends", "abend"), ("offen", "off")]
    assert analysis.query_words("Bücherei abends offen") == expected
    assert analysis.query_words("Die Schlaglöcher") == [("schlaglöcher", "schlagloch")]
