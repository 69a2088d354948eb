"""Fusion of lexical and semantic candidates and the mild boosts on top. Pure functions; both
backends use them on their candidate lists, so ranking is the same whatever engine answered."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping

from search.types import Mode

RRF_K = 60
# Weights of the two rankings in the fusion, tuned on bench/relevance (see README).
LEXICAL_WEIGHT = 1.0
SEMANTIC_WEIGHT = 1.0
CONFIRMED_BOOST = 0.03  # relative, for cases confirmed within a year
NEAR_BOOST = {"size": 0.12, "population": 0.08, "state": 0.04}


def rank_positions(scores: Mapping[int, float]) -> dict[int, int]:
    ordered = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    return {doc: position for position, (doc, _score) in enumerate(ordered, start=1)}


def fuse(lexical: Mapping[int, float], semantic: Mapping[int, float], mode: Mode) -> dict[int, float]:
    """Weighted reciprocal rank fusion (Cormack et al. 2009): robust to the two engines' score scales."""
    if mode == Mode.LEXICAL:
        return dict(lexical)
    if mode == Mode.SEMANTIC:
        return dict(semantic)
    fused: dict[int, float] = {}
    for scores, weight in ((lexical, LEXICAL_WEIGHT), (semantic, SEMANTIC_WEIGHT)):
        for doc, position in rank_positions(scores).items():
            fused[doc] = fused.get(doc, 0.0) + weight / (RRF_K + position)
    return fused


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
