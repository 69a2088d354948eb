"""The exact index settings, mappings, documents and request bodies we send to Elasticsearch,
asserted without an engine (the engine itself is exercised by the behavioural suite in hosted CI)."""

from __future__ import annotations

import datetime as dt

import numpy as np

from search import analysis
from search.backends.elasticsearch import (
    KNN_CANDIDATES,
    SEMANTIC_LIMIT,
    WORD_FIELDS,
    document_source,
    index_body,
    knn_search,
    lexical_search,
    related_search,
    synonyms_set_name,
    word_confidence,
)
from search.documents import CaseDocument

SYNONYMS_SET = synonyms_set_name("baukasten")

DOC = CaseDocument(
    page_id=7,
    slug="barleben",
    url="/praxisbeispiele/barleben/",
    title="Straßenzustand",
    summary="Kurz",
    body="Text",
    topics=("strassen-infrastruktur",),
    topic_names=("Straßen & Infrastruktur",),
    size_classes=("kleinstadt",),
    state="15",
    status="in_operation",
    lead_ags="15083040",
    lead_name="Barleben",
    last_confirmed=dt.date(2026, 1, 2),
)


def test_index_settings_mirror_the_python_analysis():
    body = index_body(SYNONYMS_SET)
    settings = body["settings"]
    assert settings["number_of_shards"] == 1
    assert settings["analysis"] == analysis.elasticsearch_analysis(SYNONYMS_SET)
    analyzers = settings["analysis"]["analyzer"]
    assert analyzers["de_index"]["filter"] == [
        "lowercase",
        "de_normalization",
        "de_decompounder",
        "de_stop",
        "de_stemmer",
    ]
    assert analyzers["de_search"]["filter"] == ["lowercase", "de_normalization", "de_synonyms", "de_stop", "de_stemmer"]
    synonyms = settings["analysis"]["filter"]["de_synonyms"]
    assert synonyms == {"type": "synonym_graph", "synonyms_set": SYNONYMS_SET, "updateable": True}


def test_mappings():
    properties = index_body(SYNONYMS_SET)["mappings"]["properties"]
    assert properties["title"]["analyzer"] == "de_index"
    assert properties["title"]["search_analyzer"] == "de_query"
    assert properties["title"]["fields"]["syn"]["search_analyzer"] == "de_search"
    assert properties["embedding"] == {
        "type": "dense_vector",
        "dims": 384,
        "index": True,
        "similarity": "cosine",
        "index_options": {"type": "int8_hnsw"},  # stated: from 9.1 the default for 384 dimensions is bbq_hnsw
    }
    for keyword in ("topics", "size_classes", "state", "status", "lead_ags", "slug"):
        assert properties[keyword]["type"] == "keyword"
    assert properties["last_confirmed"]["type"] == "date"


def test_document_source():
    source = document_source(DOC, np.ones(384, dtype=np.float32) / np.sqrt(384))
    assert source["topics"] == ["strassen-infrastruktur"]
    assert source["size_classes"] == ["kleinstadt"]
    assert source["last_confirmed"] == "2026-01-02"
    assert len(source["embedding"]) == 384
    assert source["topic_names"] == "Straßen & Infrastruktur"


def test_lexical_request_body():
    body = lexical_search("baukasten-cases", "Schlaglöcher erfassen", ("strassenschad",)).to_dict()
    should = body["query"]["bool"]["should"]
    assert body["query"]["bool"]["minimum_should_match"] == 1
    exact, decompounded, synonyms, fuzzy, title_phrase, body_phrase, expansions = should
    assert exact["multi_match"]["fields"] == ["title^3", "summary^2", "topic_names^2", "body"]
    assert decompounded["multi_match"]["analyzer"] == "de_index"
    assert synonyms["multi_match"]["fields"] == ["title.syn^3", "summary.syn^2", "topic_names.syn^2", "body.syn"]
    assert fuzzy["multi_match"]["fuzziness"] == "AUTO"
    assert title_phrase["match_phrase"]["title"]["boost"] == 2.0
    assert body_phrase["match_phrase"]["body"]["slop"] == 2
    assert expansions["multi_match"]["query"] == "strassenschad"
    assert body["size"] == 1000 and "embedding" not in body["_source"]
    assert "aggs" not in body  # word statistics only for the hybrid blend


def test_knn_request_body():
    body = knn_search("baukasten-cases", np.zeros(384, dtype=np.float32)).to_dict()
    assert body["knn"]["field"] == "embedding"
    assert body["knn"]["k"] == SEMANTIC_LIMIT
    assert body["knn"]["num_candidates"] == KNN_CANDIDATES
    assert len(body["knn"]["query_vector"]) == 384
    assert "filter" not in body["knn"]


def test_filtered_knn_request_filters_during_the_search():
    vector = np.zeros(384, dtype=np.float32)
    filters = {"topic": ("jugend", "mobilitaet"), "state": ("08",), "status": ()}
    body = knn_search("baukasten-cases", vector, filters).to_dict()
    assert body["knn"]["filter"] == {
        "bool": {"filter": [{"terms": {"topics": ["jugend", "mobilitaet"]}}, {"terms": {"state": ["08"]}}]}
    }
    assert body["knn"]["k"] == SEMANTIC_LIMIT


def test_more_like_this_request_body():
    body = related_search("baukasten-cases", 7).to_dict()
    mlt = body["query"]["more_like_this"]
    assert mlt["like"] == [{"_index": "baukasten-cases", "_id": "7"}]
    assert "body" in mlt["fields"]


def test_lexical_request_counts_each_query_word_over_the_whole_index():
    body = lexical_search("baukasten-cases", "Bücherei abends", (), ["bücherei", "abends"]).to_dict()
    whole_index = body["aggs"]["index"]
    assert whole_index["global"] == {}
    exact, fuzzy = whole_index["aggs"]["exact_0"]["filter"], whole_index["aggs"]["fuzzy_0"]["filter"]
    assert exact == {"multi_match": {"query": "bücherei", "fields": WORD_FIELDS}}
    assert fuzzy["multi_match"]["fuzziness"] == "AUTO"
    assert set(whole_index["aggs"]) == {"exact_0", "fuzzy_0", "exact_1", "fuzzy_1"}


def test_word_confidence_from_the_aggregations():
    words = [("bücherei", "bucherei"), ("abends", "abend")]

    def aggregations(bucherei_exact: int, bucherei_fuzzy: int) -> dict:
        counts = {"exact_0": bucherei_exact, "fuzzy_0": bucherei_fuzzy, "exact_1": 5, "fuzzy_1": 6}
        return {"index": {"doc_count": 100, **{name: {"doc_count": n} for name, n in counts.items()}}}

    held = word_confidence(aggregations(3, 3), words, frozenset())
    only_with_a_typo = word_confidence(aggregations(0, 4), words, frozenset())
    absent = word_confidence(aggregations(0, 0), words, frozenset())
    assert held == 1.0
    assert absent < only_with_a_typo < held
    assert word_confidence(aggregations(0, 0), words, frozenset({"bucherei"})) == only_with_a_typo
