"""Disjunctive facets: each facet counts the documents that match every *other* active filter, so
ticking "Kleinstadt" still shows how many cases "Landgemeinde" would add."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping

from municipalities.size_classes import SIZE_CLASS_ORDER, SizeClass
from municipalities.states import State
from search.types import FACETS, FacetValue


def matches(values_of: Callable[[str], frozenset[str]], filters: Mapping[str, tuple[str, ...]]) -> bool:
    return all(not wanted or values_of(facet) & set(wanted) for facet, wanted in filters.items())


def facet_counts(
    docs: Iterable[Callable[[str], frozenset[str]]],
    filters: Mapping[str, tuple[str, ...]],
    labels: Mapping[str, Mapping[str, str]],
) -> dict[str, list[FacetValue]]:
    active = {facet: set(wanted) for facet, wanted in filters.items() if wanted}
    counters: dict[str, Counter[str]] = {facet: Counter() for facet in FACETS}
    for values_of in docs:
        # One pass per document: a document failing no filter counts in every facet, one failing exactly
        # one filter counts only in that filter's facet (the values it would add), any other in none.
        failing = [facet for facet, wanted in active.items() if values_of(facet).isdisjoint(wanted)]
        if len(failing) > 1:
            continue
        for facet in failing or FACETS:
            counter = counters[facet]
            for value in values_of(facet):  # plain increments: Counter.update costs a call per document
                counter[value] += 1
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
