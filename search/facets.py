"""Disjunctive facets: each facet counts the documents that match every *other* active filter, so
ticking "Kleinstadt" still shows how many cases "Landgemeinde" would add."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping

from municipalities.size_classes import SIZE_CLASS_ORDER, SizeClass
from municipalities.states import State
from search.types import FACETS, FacetValue

# A document without a facet (an entry or fact built before the facet existed) has no value in it.
_NONE: frozenset[str] = frozenset()


def matches(values_of: Callable[[str], frozenset[str]], filters: Mapping[str, tuple[str, ...]]) -> bool:
    return all(not wanted or values_of(facet) & set(wanted) for facet, wanted in filters.items())


def select(
    scores: Mapping[int, float],
    values: Callable[[int], Mapping[str, frozenset[str]]],
    filters: Mapping[str, tuple[str, ...]],
    labels: Mapping[str, Mapping[str, str]],
    min_share: float = 0.0,
    order: Mapping[int, float] | None = None,
) -> tuple[list[int], dict[str, list[FacetValue]]]:
    """The documents that pass ``filters`` (best first by ``order``, default ``scores``; ties by id) and the
    facets; ``values`` gives a document's values per facet. ``scores`` are the relevance the cut below is
    measured on: boosts for recency or a similar town order the hits but rescue none.

    With ``min_share``, a document counts only if it scores at least that share of the best document of the
    same selection: the results against the best result, a facet value against the best document that value
    would show. So "Ehrenamt" ticked shows the good Ehrenamt cases even when the query is really about
    apprentices, and "Ehrenamt" unticked does not count them as zero. For fixed scores, each count is the
    number of hits ticking that value alone gives; ``ranking.fuse`` re-measures the blend within the filters,
    so after ticking, the number can differ a little."""
    active = {facet: set(wanted) for facet, wanted in filters.items() if wanted}
    # One pass to sort documents: one failing no filter is a result and counts in every facet, one failing
    # exactly one filter counts only in that filter's facet (the values it would add), any other in none.
    placed: list[tuple[int, float, Mapping[str, frozenset[str]], list[str]]] = []
    for doc, score in scores.items():
        values_of = values(doc)
        failing = [facet for facet, wanted in active.items() if values_of.get(facet, _NONE).isdisjoint(wanted)]
        if len(failing) <= 1:
            placed.append((doc, score, values_of, failing))
    best_result = 0.0
    best_value: dict[str, dict[str, float]] = {facet: {} for facet in FACETS}
    if min_share > 0:
        for _doc, score, values_of, failing in placed:
            if not failing:
                best_result = max(best_result, score)
            for facet in failing or FACETS:
                bests = best_value[facet]
                for value in values_of.get(facet, _NONE):
                    if score > bests.get(value, 0.0):
                        bests[value] = score
    kept: list[int] = []
    counters: dict[str, Counter[str]] = {facet: Counter() for facet in FACETS}
    for doc, score, values_of, failing in placed:
        if not failing and score >= min_share * best_result:
            kept.append(doc)
        for facet in failing or FACETS:
            counter, bests = counters[facet], best_value[facet]
            for value in values_of.get(facet, _NONE):  # plain increments: Counter.update costs a call per document
                if score >= min_share * bests.get(value, 0.0):
                    counter[value] += 1
    ranked = scores if order is None else order
    kept.sort(key=lambda doc: (-ranked[doc], doc))
    return kept, _facet_values(counters, filters, labels)


def _facet_values(
    counters: Mapping[str, Counter[str]],
    filters: Mapping[str, tuple[str, ...]],
    labels: Mapping[str, Mapping[str, str]],
) -> dict[str, list[FacetValue]]:
    result: dict[str, list[FacetValue]] = {}
    for facet in FACETS:
        counter = counters[facet]
        selected = set(filters.get(facet, ()))
        for value in selected:
            counter.setdefault(value, 0)
        result[facet] = [
            FacetValue(
                value=value, label=labels.get(facet, {}).get(value, value), count=count, selected=value in selected
            )
            for value, count in sorted(counter.items(), key=lambda item: _order(facet, item))
        ]
    return result


def _order(facet: str, item: tuple[str, int]):
    value, count = item
    if facet == "size_class":
        return (SIZE_CLASS_ORDER.index(SizeClass(value)) if value in SizeClass.values else 99, value)
    if facet == "state":
        return (-count, State(value).label if value in State.values else value)
    return (-count, value)
