"""Which hits a filtered search shows and what its facets count (``search.facets.select``)."""

import datetime as dt

import numpy as np

from search.corpus import Corpus, Meta
from search.facets import select

# id -> (topic, state, score)
DOCS = {
    1: ("personal-fachkraefte", "BY", 1.00),
    2: ("personal-fachkraefte", "BY", 0.90),
    3: ("ehrenamt-vereine", "BY", 0.15),
    4: ("ehrenamt-vereine", "BY", 0.12),
    5: ("ehrenamt-vereine", "HE", 0.02),
    6: ("personal-fachkraefte", "HE", 0.10),
}


def _values(doc: int):
    topic, state, _score = DOCS[doc]
    return {"topic": frozenset([topic]), "size_class": frozenset(), "state": frozenset([state]), "status": frozenset()}


SCORES = {doc: score for doc, (_topic, _state, score) in DOCS.items()}


def _counts(facets, facet: str) -> dict[str, int]:
    return {value.value: value.count for value in facets[facet]}


def _run(filters, min_share=0.2):
    full = {"topic": (), "size_class": (), "state": (), "status": ()} | filters
    return select(SCORES, _values, full, {}, min_share)


def test_without_a_cut_every_candidate_counts():
    kept, facets = _run({}, min_share=0.0)
    assert kept == [1, 2, 3, 4, 6, 5]
    assert _counts(facets, "topic") == {"personal-fachkraefte": 3, "ehrenamt-vereine": 3}


def test_weak_hits_are_cut_against_the_best_hit_of_the_selection():
    kept, _ = _run({})
    assert kept == [1, 2]  # 0.15 is below a fifth of 1.00
    kept, _ = _run({"topic": ("ehrenamt-vereine",)})
    assert kept == [3, 4]  # measured against 0.15, the best Ehrenamt case; 0.02 is still too weak


def test_each_count_is_what_ticking_that_value_alone_shows():
    _kept, facets = _run({})
    topics = _counts(facets, "topic")
    for topic, count in topics.items():
        assert len(_run({"topic": (topic,)})[0]) == count
    _kept, facets = _run({"topic": ("ehrenamt-vereine",)})
    states = _counts(facets, "state")
    assert states == {"BY": 2, "HE": 1}  # HE's only Ehrenamt case is weak, but it is the best HE has
    for state, count in states.items():
        assert len(_run({"topic": ("ehrenamt-vereine",), "state": (state,)})[0]) == count


def test_a_selected_value_without_hits_is_listed_with_zero():
    _kept, facets = _run({"state": ("SN",)})
    assert _counts(facets, "state")["SN"] == 0


def test_corpus_rows_matching_the_filters():
    def rows_matching(filters):
        mask = corpus.filter_mask(filters)
        return None if mask is None else np.flatnonzero(mask)

    def meta(topics, state):
        return Meta(
            page_id=1,
            topics=frozenset(topics),
            size_classes=frozenset(["kleinstadt"]),
            state=state,
            status="pilot",
            lead_ags="",
            last_confirmed=dt.date(2026, 1, 1),
        )

    metas = {10: meta(["jugend"], "BY"), 20: meta(["jugend", "mobilitaet"], "HE"), 30: meta(["mobilitaet"], "BY")}
    corpus = Corpus(ids=[10, 20, 30], meta=metas, vectors=np.zeros((3, 4), dtype=np.float32))
    assert rows_matching({"topic": (), "state": ()}) is None
    assert rows_matching({"topic": ("mobilitaet",)}).tolist() == [1, 2]
    assert rows_matching({"topic": ("mobilitaet", "jugend"), "state": ("BY",)}).tolist() == [0, 2]
    assert rows_matching({"state": ("SN",)}).tolist() == []
