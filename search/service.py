"""The one search service: ``search(SearchQuery) -> SearchResult``. It asks the backend chosen by
``search.backends`` (Elasticsearch when configured and reachable, the database otherwise) for candidates
and runs the one pipeline on them: fusion, boosts, filters and facets, paging, hits. Views and the API
never know which backend answered except through ``result.backend``."""

from __future__ import annotations

from django.utils import timezone

from search import analysis, ranking
from search.backends import answer_with_fallback
from search.candidates import SearchBackend
from search.facets import select
from search.hits import make_hit
from search.labels import facet_labels
from search.near import asking_municipality, lead_profiles
from search.types import Mode, SearchQuery, SearchResult


def search(query: SearchQuery) -> SearchResult:
    result, degraded = answer_with_fallback(lambda backend: search_with(backend, query))
    result.degraded = degraded
    return result


def _titles_holding_the_query(backend: SearchBackend, found, text: str, evidences: dict[int, float]) -> set[int]:
    """Among the best lexical candidates that would count as weak, those whose title holds every word of the
    query: typing a case's title finds it, whatever the embedding makes of a name, an abbreviation or a coined
    compound. Titles are read only for such doubtful candidates (a query for nonsense has none)."""
    words = set(analysis.analyze_query(text))
    doubtful = [doc for doc in ranking.best(found.lexical, 3) if evidences.get(doc, 0.0) < ranking.FIT_FLOOR]
    if not words or not doubtful:
        return set()
    stored = backend.stored(doubtful, found.facts, bodies=False)
    return {doc for doc, case in stored.items() if words <= set(analysis.analyze(str(case.fields.get("title") or "")))}


def search_with(backend: SearchBackend, query: SearchQuery) -> SearchResult:
    """The pipeline on the given backend, without fallback (``bench/relevance.py`` compares backends)."""
    today = timezone.localdate()
    terms = None
    evidences: dict[int, float] | None = None  # hybrid search only: see ranking.FIT_FLOOR
    if query.text.strip():
        found = backend.candidates(query)
        terms, facts = found.terms, found.facts
        scores = ranking.fuse_with_feedback(
            found.lexical,
            found.semantic,
            query.mode,
            found.vector,
            vectors_of=found.vectors_of,
            knn=found.knn,
            confidence=found.confidence,
            within=found.within,
        )
        if query.mode == Mode.HYBRID and found.vector is not None:
            # a word the editors' synonyms reach belongs to the domain ("Schlaglöcher" → "Straßenschaden"): its
            # lexical match counts fully, not at the confidence's discount for bridged words
            lexical_weight = 1.0 if terms.synonym_bridged else found.confidence
            evidences = ranking.evidence(found.lexical, found.semantic, lexical_weight, found.within)
            for doc in _titles_holding_the_query(backend, found, query.text, evidences):
                evidences[doc] = max(evidences[doc], ranking.FIT_FLOOR)
            # whether anything fits is asked of the whole collection, not of the filters: a filter narrows a
            # meaningful search (its cases may all be weak matches, and are marked so) but cannot make one of "xyzzy"
            if ranking.nothing_fits(evidences):
                scores = {}
    else:  # no words: every case, most recently confirmed first
        scores, facts = backend.recent(today)
    scores = {doc: s for doc, s in scores.items() if doc in facts}

    asking = asking_municipality(query.near)
    boosts: dict[int, float] = {}
    reasons: dict[int, list[str]] = {}
    leads = lead_profiles({facts[d].lead_ags for d in scores}) if asking else {}
    for doc in scores:
        case = facts[doc]
        near_boost, near_why = ranking.near_reasons(asking, leads.get(case.lead_ags))
        boosts[doc] = ranking.confirmation_boost(case.last_confirmed, today) + near_boost
        reasons[doc] = near_why
    ranked = ranking.apply_boosts(scores, boosts)

    kept, facets = select(
        scores,
        lambda doc: facts[doc].by_facet,
        query.filters(),
        facet_labels(),
        ranking.min_share(query.mode) if terms else 0.0,
        order=ranked,
    )
    fitting, weak = len(kept), frozenset()
    if evidences is not None:
        kept, fitting, weak = ranking.weak_capped(kept, evidences)
    start = (query.page - 1) * query.page_size
    page_ids = kept[start : start + query.page_size]
    stored = backend.stored(page_ids, facts, bodies=terms is not None)
    marked = terms.marked if terms else frozenset()
    hits = []
    for doc in page_ids:
        if doc in stored:
            hit = make_hit(stored[doc].page_id, stored[doc].fields, ranked[doc], reasons[doc], stored[doc].body, marked)
            hit.weak = doc in weak
            hits.append(hit)
    return SearchResult(query=query, total=len(kept), hits=hits, facets=facets, backend=backend.name, fitting=fitting)
