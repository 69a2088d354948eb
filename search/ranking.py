"""Fusion of lexical and semantic candidates and the mild boosts on top. Pure functions; the service
runs them on either backend's candidates, so ranking is the same whatever engine answered."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Collection, Iterable, Mapping

import numpy as np

from search.types import Mode

# Hybrid blend, tuned on bench/relevance: a convex combination of max-normalised BM25 and cosine
# ranks better there than reciprocal rank fusion. Cosine is scaled over a fixed band below the best
# candidate, not min-max, so tiny differences among few candidates are not blown up.
SEMANTIC_SHARE = 0.7
SEMANTIC_BAND = 0.1
# Hybrid results below this share of the best result are dropped: without it every query "finds" the
# hundred nearest embeddings. It leaves far fewer results on bench/relevance without losing relevant ones.
# Applied per selection by ``facets.select``, so a filter is measured against its own best hit.
MIN_RELATIVE_SCORE = 0.2
# A query word the index does not hold ("Bücherei" where the cases say "Bibliothek") cannot be matched
# lexically; the lexical candidates then match only the query's weaker words ("abends", "offen"). The lexical
# share of the blend shrinks with the share of the query's information (IDF) the index can match at all;
# words reached only through a synonym or typo correction count BRIDGED_COVERAGE. It matters most with a
# small synonym list; the starter thesaurus bridges most such words itself – the guard is for the words
# editors have not thought of.
BRIDGED_COVERAGE = 0.6
# Pseudo-relevance feedback (Rocchio) for hybrid search: the query vector moves towards the mean of the
# best FEEDBACK_DOCS fused hits and the kNN runs again, so a short query ("Schlaglöcher erfassen") also
# reaches cases that describe the same solution in other words. The parameters were chosen on bench/relevance
# by two-fold cross-validation (chosen on one half of the queries, checked on the other).
FEEDBACK_DOCS = 3
FEEDBACK_WEIGHT = 1.0
# When nothing fits. Hybrid scores are relative (BM25 by the best candidate, cosine within a band below the best
# one), so every query "finds" its nearest cases, "xyzzy" included. The absolute evidence for a candidate is its
# cosine to the query plus EVIDENCE_LEXICAL_WEIGHT × lexical confidence × its BM25 share of the best: e5 puts
# any German text at a cosine of about 0.80 to any query, a case that really fits reaches 0.85–0.92 or matches
# the query's words (fully when an editors' synonym reaches one of them). A query none of whose candidates reaches
# FIT_FLOOR finds nothing; a hit below WEAK_FLOOR
# is shown as a weak match, marked, in its place. Calibrated with bench/relevance.py on the judged queries
# (none falls below FIT_FLOOR, nDCG@10 per kind unchanged within ±0.005) and on bench/relevance/unrelated.jsonl.
EVIDENCE_LEXICAL_WEIGHT = 0.1
FIT_FLOOR = 0.86
WEAK_FLOOR = 0.85
# Weak matches are listed, marked, up to one page of them: they still hold relevant cases in other words (on
# bench/relevance, cutting them after 5 costs nDCG@10, after 10 nothing), but not the whole collection.
WEAK_LIMIT = 10
CONFIRMED_BOOST = 0.03  # relative, for cases confirmed within a year
NEAR_BOOST = {"size": 0.12, "population": 0.08, "state": 0.04}


def lexical_confidence(
    words: Iterable[str], document_frequency: Mapping[str, int], documents: int, bridged: Collection[str] = ()
) -> float:
    """Share of the query words' IDF that the index holds (1.0 without words): see BRIDGED_COVERAGE."""
    total = covered = 0.0
    for word in dict.fromkeys(words):
        frequency = document_frequency.get(word, 0)
        weight = math.log((documents + 1) / (frequency + 0.5))
        total += weight
        if frequency:
            covered += weight
        elif word in bridged:
            covered += BRIDGED_COVERAGE * weight
    return covered / total if total > 0 else 1.0


def min_share(mode: Mode) -> float:
    """The share of the best hit below which results are dropped (see MIN_RELATIVE_SCORE)."""
    return MIN_RELATIVE_SCORE if mode == Mode.HYBRID else 0.0


def fuse(
    lexical: Mapping[int, float],
    semantic: Mapping[int, float],
    mode: Mode,
    confidence: float = 1.0,
    within: Callable[[int], bool] | None = None,
) -> dict[int, float]:
    """Hybrid score = share × semantic + (1 − share) × confidence × lexical, each scaled to [0, 1]: BM25 by the
    best candidate's score, cosine by its distance below the best candidate within SEMANTIC_BAND;
    ``confidence`` from ``lexical_confidence``. With ``within`` (the active filters), "best" means the best
    candidate that passes them: ticking "Ehrenamt" ranks the Ehrenamt cases among themselves, instead of
    measuring them against an apprentice case that scores far higher but is filtered out."""
    if mode == Mode.LEXICAL:
        return dict(lexical)
    if mode == Mode.SEMANTIC:
        return dict(semantic)
    top_lexical = _best_within(lexical, within)
    floor = _best_within(semantic, within) - SEMANTIC_BAND
    fused: dict[int, float] = {}
    for doc in set(lexical) | set(semantic):
        lex = lexical.get(doc, 0.0) / top_lexical if top_lexical > 0 else 0.0
        sem = max(0.0, (semantic[doc] - floor) / SEMANTIC_BAND) if doc in semantic else 0.0
        fused[doc] = SEMANTIC_SHARE * sem + (1 - SEMANTIC_SHARE) * confidence * lex
    return fused


def _best_within(scores: Mapping[int, float], within: Callable[[int], bool] | None) -> float:
    """The best score among the documents ``within`` accepts; the best of all if there is none."""
    if within is not None:
        best_within = max((score for doc, score in scores.items() if within(doc)), default=None)
        if best_within is not None:
            return best_within
    return max(scores.values(), default=0.0)


def fuse_with_feedback(
    lexical: Mapping[int, float],
    semantic: Mapping[int, float],
    mode: Mode,
    vector: np.ndarray | None,
    vectors_of: Callable[[list[int]], np.ndarray],
    knn: Callable[[np.ndarray], Mapping[int, float]],
    confidence: float = 1.0,
    within: Callable[[int], bool] | None = None,
) -> dict[int, float]:
    """``fuse``; in hybrid mode the query vector then moves towards the best FEEDBACK_DOCS hits (among those
    ``within`` accepts; ``vectors_of`` their ids), the semantic side is searched again with it (``knn``) and
    fused anew."""
    scores = fuse(lexical, semantic, mode, confidence, within)
    if mode != Mode.HYBRID or vector is None or not scores:
        return scores
    leaders = {doc: score for doc, score in scores.items() if within(doc)} if within is not None else scores
    leaders = leaders or scores
    # only real hits lead: a candidate below the cut (say, the one heating case a pothole query's kNN brings
    # along) would pull the query towards itself
    floor = MIN_RELATIVE_SCORE * max(leaders.values())
    moved = feedback_vector(vector, vectors_of(best({d: s for d, s in leaders.items() if s >= floor}, FEEDBACK_DOCS)))
    return fuse(lexical, knn(moved), mode, confidence, within)


def evidence(
    lexical: Mapping[int, float],
    cosine: Mapping[int, float],
    confidence: float,
    within: Callable[[int], bool] | None = None,
) -> dict[int, float]:
    """Absolute evidence per candidate (see FIT_FLOOR): ``cosine`` to the query vector as the kNN found it (not
    the feedback-moved one), plus the lexical score as a share of the best within the filters, weighed by the
    lexical confidence. A candidate without a cosine counts as 0 there, so it cannot fit on lexical grounds alone."""
    top_lexical = _best_within(lexical, within)
    return {
        doc: cosine.get(doc, 0.0)
        + EVIDENCE_LEXICAL_WEIGHT * confidence * (lexical.get(doc, 0.0) / top_lexical if top_lexical > 0 else 0.0)
        for doc in set(lexical) | set(cosine)
    }


def nothing_fits(evidences: Mapping[int, float]) -> bool:
    """True when no candidate reaches FIT_FLOOR."""
    return all(score < FIT_FLOOR for score in evidences.values())


def weak_capped(kept: list[int], evidences: Mapping[int, float]) -> tuple[list[int], int, frozenset[int]]:
    """``kept`` in its order, without the weak hits (below WEAK_FLOOR) after the first WEAK_LIMIT of them; the
    number of fitting hits, and the weak ones. The order stays the ranking's: moving weak hits behind the
    fitting ones cost nDCG@10 (synonym queries −0.006 on bench/relevance.py), marking them costs nothing."""
    weak = [doc for doc in kept if evidences.get(doc, 0.0) < WEAK_FLOOR]
    dropped = set(weak[WEAK_LIMIT:])
    return [doc for doc in kept if doc not in dropped], len(kept) - len(weak), frozenset(weak[:WEAK_LIMIT])


def best(scores: Mapping[int, float], count: int) -> list[int]:
    return sorted(scores, key=lambda doc: (-scores[doc], doc))[:count]


def feedback_vector(query: np.ndarray, best_vectors: np.ndarray) -> np.ndarray:
    """The query vector moved towards the best hits' vectors (all L2-normalised), normalised again."""
    if not len(best_vectors):
        return query
    moved = query + FEEDBACK_WEIGHT * best_vectors.mean(axis=0)
    return (moved / np.linalg.norm(moved)).astype(np.float32)


def confirmation_boost(last_confirmed: dt.date | None, today: dt.date) -> float:
    if last_confirmed and (today - last_confirmed).days <= 365:
        return CONFIRMED_BOOST
    return 0.0


def near_reasons(asking: Mapping | None, lead: Mapping | None) -> tuple[float, list[str]]:
    """Boost and German reasons for a case from a municipality like the asking one.
    ``asking``/``lead``: {"size_class", "population", "state"}."""
    if not asking or not lead:
        return 0.0, []
    boost, reasons = 0.0, []
    if lead["size_class"] == asking["size_class"]:
        boost += NEAR_BOOST["size"]
        reasons.append("aus einer Kommune ähnlicher Größe")
    if asking["population"] and lead["population"]:
        closeness = 1 - min(1.0, abs(math.log10(asking["population"] / lead["population"])))
        boost += NEAR_BOOST["population"] * closeness
    if lead["state"] == asking["state"]:
        boost += NEAR_BOOST["state"]
        reasons.append("aus demselben Bundesland")
    return boost, reasons


def apply_boosts(scores: Mapping[int, float], boosts: Mapping[int, float]) -> dict[int, float]:
    return {doc: score * (1.0 + boosts.get(doc, 0.0)) for doc, score in scores.items()}
