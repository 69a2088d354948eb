"""From the words a mayor types to the terms the lexical backends look for: German analysis,
editors' synonyms and typo correction against the index vocabulary."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Count, Max
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from search import analysis
from search.known_words import is_known_word
from search.models import SynonymGroup

SYNONYM_CACHE_SECONDS = 30


@dataclass(frozen=True)
class QueryTerms:
    terms: tuple[str, ...]  # the query's own terms (with compound parts)
    expansions: tuple[str, ...]  # synonyms and typo corrections, weighted lower
    phrase: tuple[str, ...]  # query terms in order, for the phrase bonus
    bridged: frozenset[str] = frozenset()  # query terms with a synonym or a typo correction
    alternatives: frozenset[str] = frozenset()  # whole synonym words and corrections, without compound parts
    synonym_bridged: frozenset[str] = frozenset()  # query terms the editors' synonyms reach (no typo guesses)

    @property
    def all(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.terms + self.expansions))

    @property
    def marked(self) -> frozenset[str]:
        """Terms worth highlighting: whole query words and their alternatives, not the compound parts
        of the query (the "schlag" of "Schlaglöcher" would mark "vorgeschlagen")."""
        return frozenset(self.phrase) | self.alternatives


_synonyms: tuple[tuple[int, object], dict[str, set[tuple[str, str]]]] | None = None
_synonym_lock = threading.Lock()
_synonym_checked = 0.0


def synonym_map() -> dict[str, set[tuple[str, str]]]:
    """Analysed term (or space-joined phrase) → its alternatives, each as (query terms, index terms incl.
    compound parts); reloaded when editors change a group (checked at most every 30 s per process)."""
    global _synonyms, _synonym_checked
    now = time.monotonic()
    if _synonyms is not None and now - _synonym_checked < SYNONYM_CACHE_SECONDS:
        return _synonyms[1]
    stats = SynonymGroup.objects.aggregate(n=Count("id"), at=Max("updated_at"))
    signature = (stats["n"], stats["at"])
    with _synonym_lock:
        _synonym_checked = now
        if _synonyms is not None and _synonyms[0] == signature:
            return _synonyms[1]
        mapping: dict[str, set[tuple[str, str]]] = {}
        for group in SynonymGroup.objects.all():
            # key: how the term looks in a query; value: its index terms incl. compound parts, so
            # "Straßenschaden" also reaches texts that say "Schäden an Straßen"
            analysed = {analysis.normalize_synonym_term(x): " ".join(analysis.analyze(x)) for x in group.term_list}
            analysed.pop("", None)
            for key in analysed:
                mapping.setdefault(key, set()).update((k, v) for k, v in analysed.items() if k != key and v)
        _synonyms = (signature, mapping)
        return mapping


def reset_synonym_cache() -> None:
    global _synonyms
    _synonyms = None


def _typo_corrections(term: str, vocabulary: Mapping[str, int]) -> list[str]:
    """Up to three index terms within edit distance 1 (2 for long words): the closest, among equally close
    ones the most frequent – decided here, not by set order, so every process corrects alike."""
    if len(term) < 4 or term in vocabulary:
        return []
    max_distance = 1 if len(term) < 8 else 2
    matches = process.extract(
        term, list(vocabulary), scorer=Levenshtein.distance, score_cutoff=max_distance, limit=None
    )
    ranked = sorted(matches, key=lambda match: (match[1], -vocabulary[match[0]], match[0]))
    return [match for match, _distance, _ in ranked[:3]]


def _singular(term: str) -> str:
    """Loanword plurals in -s ("Azubis", "Kitas", "Apps") survive the light stemmer; synonym lookup
    also tries them without it."""
    return term[:-1] if len(term) > 4 and term.endswith("s") else term


def build_query_terms(text: str, vocabulary: Mapping[str, int] | None = None) -> QueryTerms:
    """``vocabulary``: index term → document frequency, for typo corrections (none without it)."""
    terms = tuple(dict.fromkeys(analysis.analyze(text)))
    phrase = tuple(analysis.analyze_query(text))
    expansions: list[str] = []
    bridged: set[str] = set()
    synonym_bridged: set[str] = set()
    alternatives: set[str] = set()
    synonyms = synonym_map()
    if synonyms:
        # single terms and every run of up to three words, so "junge leute" can map to "jugend"
        for size in (1, 2, 3):
            for start in range(len(phrase) - size + 1):
                words = phrase[start : start + size]
                for key in {" ".join(words), " ".join(_singular(w) for w in words)}:
                    for query_terms, index_terms in synonyms.get(key, ()):
                        expansions.extend(index_terms.split())
                        alternatives.update(query_terms.split())
                        bridged.update(words)
                        synonym_bridged.update(words)
    if vocabulary:
        # a real word the index does not hold ("Schlange") is no misspelling of one it holds ("Schlag")
        real_words = {
            term for word, term in analysis.query_words(text) if term not in vocabulary and is_known_word(word)
        }
        for term in phrase:
            if term in real_words:
                continue
            corrections = _typo_corrections(term, vocabulary)
            expansions.extend(corrections)
            alternatives.update(corrections)
            if corrections:
                bridged.add(term)
    expansions = [t for t in dict.fromkeys(expansions) if t not in terms]
    return QueryTerms(
        terms=terms,
        expansions=tuple(expansions),
        phrase=phrase,
        bridged=frozenset(bridged),
        alternatives=frozenset(alternatives),
        synonym_bridged=frozenset(synonym_bridged),
    )
