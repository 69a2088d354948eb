"""„Kommunen wie wir“: the most similar municipalities to one municipality, with German reasons.

The register is loaded once per process into ``scoring.Features`` (≈ 10,000 rows, a few MB) and
rebuilt when a cheap version query says the register or the published cases changed. A single
query scores one row against its size class ±1 on the fly; no precomputed table is needed for it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, IntegerField, Max, Subquery, Sum, Value
from django.urls import reverse
from wagtail.models import Page

from core.versioned_cache import VersionedCache
from matching import scoring
from municipalities.models import Municipality
from municipalities.size_classes import SIZE_CLASS_ORDER, SizeClass
from municipalities.states import State
from solutions.choices import RUNNING_STATUSES
from solutions.models import SolutionAdopter, SolutionPage, TaggedSolution

DEFAULT_LIMIT = 10
STATE_NAMES: dict[str, str] = {state.value: str(state.label) for state in State}
_SIZE_CLASS_INDEX = {size_class.value: k for k, size_class in enumerate(SIZE_CLASS_ORDER)}


@dataclass(frozen=True)
class Peer:
    ags: str
    name: str
    slug: str
    state: str  # name of the Land, e.g. "Sachsen-Anhalt"
    population: int
    size_class: str  # SizeClass value, e.g. "kleinstadt"
    similarity: float  # 0 … 1, rounded to 4 decimals
    reasons: list[str]

    @property
    def size_class_label(self) -> str:
        return str(SizeClass(self.size_class).label)

    @property
    def url(self) -> str:
        return reverse("municipalities:detail", kwargs={"ags": self.ags, "slug": self.slug})


@dataclass(frozen=True)
class _Register:
    version: tuple
    features: scoring.Features
    slugs: list[str]
    topic_names: dict[str, str]
    has_cases: np.ndarray  # bool per row of features: leads or has adopted a live, public case


def _live_cases():
    return SolutionPage.objects.live()


def _version() -> tuple:
    """One query over both tables. Municipality imports use bulk_update, which leaves updated_at
    alone, so the population sum is part of the key too; cases change only by (un)publishing."""
    # Live cases read from the page table alone (no join to the case table): the cheap way to notice.
    case_type = ContentType.objects.get_for_model(SolutionPage)
    cases = (
        Page.objects.filter(live=True, content_type=case_type).order_by().annotate(one=Value(1, IntegerField()))
    ).values("one")
    row = Municipality.objects.aggregate(
        count=Count("pk"),
        updated=Max("updated_at"),
        population=Sum("population"),
        cases=Max(Subquery(cases.annotate(n=Count("pk")).values("n")[:1])),
        case_ids=Max(Subquery(cases.annotate(n=Sum("pk")).values("n")[:1])),
        published=Max(Subquery(cases.annotate(n=Max("last_published_at")).values("n")[:1])),
    )
    return tuple(row[key] for key in ("count", "updated", "population", "cases", "case_ids", "published"))


def _topics_by_municipality() -> tuple[dict[int, set[str]], dict[str, str]]:
    """Topic slugs of the live, public cases each municipality leads or has adopted."""
    pages = _live_cases().public()
    page_topics: dict[int, set[str]] = defaultdict(set)
    topic_names: dict[str, str] = {}
    for page_id, slug, name in TaggedSolution.objects.filter(content_object__in=pages).values_list(
        "content_object_id", "tag__slug", "tag__name"
    ):
        page_topics[page_id].add(slug)
        topic_names[slug] = name
    by_municipality: dict[int, set[str]] = defaultdict(set)
    for page_id, municipality_id in pages.filter(lead_municipality__isnull=False).values_list(
        "pk", "lead_municipality_id"
    ):
        by_municipality[municipality_id] |= page_topics[page_id]
    for page_id, municipality_id in SolutionAdopter.objects.filter(
        page__in=pages, status__in=RUNNING_STATUSES
    ).values_list("page_id", "municipality_id"):
        by_municipality[municipality_id] |= page_topics[page_id]
    return by_municipality, topic_names


def _build(version: tuple) -> _Register:
    rows = list(
        Municipality.objects.order_by("ags").values_list(
            "pk",
            "ags",
            "name",
            "slug",
            "state",
            "district_code",
            "district_name",
            "population",
            "area_km2",
            "size_class",
            "urbanisation",
            "ortsteile_count",
        )
    )
    by_municipality, topic_names = _topics_by_municipality()
    topic_slugs = sorted(topic_names)
    column = {slug: k for k, slug in enumerate(topic_slugs)}
    topics = np.zeros((len(rows), len(topic_slugs)), dtype=bool)
    for k, row in enumerate(rows):
        for slug in by_municipality.get(row[0], ()):
            topics[k, column[slug]] = True
    features = scoring.build_features(
        ags=[r[1] for r in rows],
        names=[r[2] for r in rows],
        states=[r[4] for r in rows],
        district_codes=[r[5] for r in rows],
        district_names=[r[6] for r in rows],
        population=[r[7] for r in rows],
        area=[None if r[8] is None else float(r[8]) for r in rows],
        size_class=[_SIZE_CLASS_INDEX[r[9]] for r in rows],
        urbanisation=[int(r[10]) if r[10] else 0 for r in rows],
        ortsteile=[r[11] for r in rows],
        topics=topics,
        topic_slugs=topic_slugs,
    )
    slug_by_ags = {r[1]: r[3] for r in rows}
    # by_municipality has a key for every town with a live, public case, with or without topics.
    with_cases = {r[1] for r in rows if r[0] in by_municipality}
    has_cases = np.array([a in with_cases for a in features.ags], dtype=bool)
    return _Register(version, features, [slug_by_ags[a] for a in features.ags], topic_names, has_cases)


_cache: VersionedCache[_Register] = VersionedCache(_version, _build)


def _register() -> _Register:
    """The cached register (see core.versioned_cache): the version query reads every live case."""
    return _cache.get()


def peers_features() -> scoring.Features:
    """The register as scoring features, cached per process and rebuilt when it changed."""
    return _register().features


def peers_cache_clear() -> None:
    _cache.clear()


def peers_list(municipality: Municipality, limit: int = DEFAULT_LIMIT, *, has_cases: bool = False) -> list[Peer]:
    """The ``limit`` most similar municipalities of the same size class ±1, best first (ties by AGS);
    with ``has_cases`` only those that lead or have adopted a published case (someone to learn from)."""
    register = _register()
    features = register.features
    i = features.index.get(municipality.ags)
    if i is None or limit <= 0:
        return []
    candidates = scoring.peer_candidates(features, i)
    if has_cases:
        candidates = candidates[register.has_cases[candidates]]
    scores = scoring.similarity_row(features, i, candidates)
    peers = []
    for position in scoring.top_k(scores, candidates, limit):
        j = int(candidates[position])
        _, contributions = scoring.similarity_pair(features, i, j)
        peers.append(
            Peer(
                ags=features.ags[j],
                name=features.names[j],
                slug=register.slugs[j],
                state=STATE_NAMES.get(features.states[j], features.states[j]),
                population=int(features.population[j]),
                size_class=SIZE_CLASS_ORDER[int(features.size_class[j])].value,
                similarity=round(float(scores[position]), 4),
                reasons=scoring.reasons(features, i, j, contributions, register.topic_names, STATE_NAMES),
            )
        )
    return peers


def peers_top_k_all(features: scoring.Features, k: int = 20) -> dict[str, list[tuple[str, float]]]:
    """All municipalities' k best peers (size class ±1) as {ags: [(peer ags, similarity), …]}."""
    return {
        features.ags[i]: [(features.ags[int(j)], round(float(s), 4)) for j, s in zip(*best, strict=True)]
        for i, best in enumerate(scoring.top_k_all(features, k))
    }


def peer_similarity(asking_ags: str, other_ags: str) -> tuple[float, list[str]]:
    """Similarity of two municipalities with the reasons that carry it (0 and none if unknown)."""
    register = _register()
    features = register.features
    i, j = features.index.get(asking_ags), features.index.get(other_ags)
    if i is None or j is None or i == j:
        return 0.0, []
    score, contributions = scoring.similarity_pair(features, i, j)
    return score, scoring.reasons(features, i, j, contributions, register.topic_names, STATE_NAMES)


def peer_similarities(asking_ags: str, others: Iterable[str]) -> dict[str, float]:
    """Similarity of one municipality to each of many (as ``peer_similarity``, without the reasons,
    from one read of the register): for rankings that explain only the few results they return."""
    features = _register().features
    i = features.index.get(asking_ags)
    scores: dict[str, float] = {}
    for ags in others:
        j = features.index.get(ags)
        scores[ags] = 0.0 if i is None or j is None or i == j else scoring.similarity_pair(features, i, j)[0]
    return scores


def peers_version() -> tuple:
    """Changes whenever the register or the published cases change (checked as often as the register
    is): the key for other per-process caches built from published cases."""
    return _register().version
