"""Ranked introductions for one municipality: hospitation hosts and suppliers. Each result says why,
in plain German, from the actual contributions."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet, Sum
from django.utils import timezone
from wagtail.models import PageViewRestriction

from core.versioned_cache import VersionedCache
from matching.hospitation import host_places_left_many
from matching.models import HospitationRequest
from matching.peers import peer_similarities, peer_similarity, peers_version
from municipalities.geography import distance_km
from municipalities.models import Municipality
from solutions.models import SolutionOutcome, SolutionPage, Supplier, TaggedSolution
from solutions.selectors import ADOPTERS_PREFETCH, SolutionHost, solution_hosts, solutions_with_hosts

# Host ranking: similar towns, close by, with documented outcomes and room left; popular hosts
# are asked less often so that a few towns are not flooded with requests.
HOST_WEIGHTS = {"similarity": 0.45, "distance": 0.25, "outcomes": 0.15, "capacity": 0.15}
DISTANCE_SCALE_KM = 150
POPULARITY_PENALTY = 0.15  # per request already received this year
# Suppliers: the best three references count (diminishing returns), so a vendor with many
# references cannot crowd out one with a few very fitting ones.
SUPPLIER_TOP_REFERENCES = 3


def _de(value: float) -> str:
    return f"{value:,.0f}".replace(",", ".")


@dataclass
class HostMatch:
    municipality: Municipality
    solution: SolutionPage
    score: float
    similarity: float
    distance_km: float | None
    capacity_left: int
    reasons: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        m = self.municipality
        return {
            "ags": m.ags,
            "name": m.name,
            "state": m.state_name,
            "url": m.get_absolute_url(),
            "solution": {"slug": self.solution.slug, "title": self.solution.title, "url": self.solution.url},
            "distance_km": round(self.distance_km, 1) if self.distance_km is not None else None,
            "similarity": round(self.similarity, 4),
            "capacity_left": self.capacity_left,
            "score": round(self.score, 4),
            "reasons": self.reasons,
        }


def _hosting_cases(topic: str | None, solution: str | None) -> QuerySet[SolutionPage]:
    """Published cases with at least one host, with what the ranking reads (towns, outcomes) and no
    more: not the case page's full detail."""
    cases = SolutionPage.objects.live().public()
    if solution:
        cases = cases.filter(slug=solution)
    if topic:
        cases = cases.filter(pk__in=TaggedSolution.objects.filter(tag__slug=topic).values("content_object_id"))
    cases = solutions_with_hosts(cases).select_related("lead_municipality")
    return cases.prefetch_related(ADOPTERS_PREFETCH, "outcomes")


def hospitation_hosts(
    asking: Municipality, *, topic: str | None = None, solution: str | None = None, limit: int = 10
) -> list[HostMatch]:
    year = timezone.localdate().year
    offers: dict[tuple[int, int], tuple[SolutionPage, SolutionHost]] = {}
    for case in _hosting_cases(topic, solution):
        for host in solution_hosts(case):
            if host.municipality.pk != asking.pk:  # a town listed twice for a case counts once, as first listed
                offers.setdefault((host.municipality.pk, case.pk), (case, host))
    places_left = host_places_left_many(offers.values(), year)
    open_offers = [(case, host) for case, host in offers.values() if places_left[host.municipality.pk, case.pk] > 0]
    similarities = peer_similarities(asking.ags, {host.municipality.ags for _, host in open_offers})
    asked = dict(HospitationRequest.objects.filter(year=year).values_list("host_id").annotate(n=Count("id")))
    matches: list[HostMatch] = []
    for case, offer in open_offers:  # never a host without capacity: those were left out above
        host = offer.municipality
        left = places_left[host.pk, case.pk]
        outcomes = len(case.outcomes.all())
        similarity = similarities[host.ags]
        distance = distance_km(asking, host)
        closeness = math.exp(-distance / DISTANCE_SCALE_KM) if distance is not None else 0.5
        score = (
            HOST_WEIGHTS["similarity"] * similarity
            + HOST_WEIGHTS["distance"] * closeness
            + HOST_WEIGHTS["outcomes"] * min(1.0, outcomes / 3)
            + HOST_WEIGHTS["capacity"] * left / (offer.visits_per_year or 1)
        )
        score /= 1 + POPULARITY_PENALTY * asked.get(host.pk, 0)
        matches.append(HostMatch(host, case, score, similarity, distance, left))
    matches.sort(key=lambda m: (-m.score, m.municipality.ags, m.solution.slug))
    matches = matches[:limit]
    for match in matches:  # the reasons only for the hosts returned: each reads the register
        _host_reasons(asking, match, year, asked.get(match.municipality.pk, 0))
    return matches


def _host_reasons(asking: Municipality, match: HostMatch, year: int, requests: int) -> None:
    reasons = peer_similarity(asking.ags, match.municipality.ags)[1][:2]
    if match.distance_km is not None:
        reasons.append(f"{_de(match.distance_km)} km entfernt")
    outcomes = len(match.solution.outcomes.all())
    if outcomes:
        reasons.append(f"{outcomes} dokumentierte Ergebnisse" if outcomes > 1 else "ein dokumentiertes Ergebnis")
    left = match.capacity_left
    reasons.append(f"noch {left} {'Platz' if left == 1 else 'Plätze'} frei in {year}")
    if requests >= 3:
        reasons.append(f"schon {requests} Anfragen in diesem Jahr")
    match.reasons = reasons


@dataclass
class SupplierMatch:
    supplier: Supplier
    score: float
    references: list[dict]
    reasons: list[str]

    def as_dict(self) -> dict:
        s = self.supplier
        return {
            "name": s.name,
            "slug": s.slug,
            "website": s.website,
            "url": s.get_absolute_url(),
            "score": round(self.score, 4),
            "references": self.references,
            "reasons": self.reasons,
        }


@dataclass(frozen=True)
class _Reference:
    """A published case that names suppliers, as the supplier ranking reads it."""

    case_id: int
    slug: str
    lead_ags: str | None
    outcomes: int
    topics: frozenset[str]
    suppliers: tuple[int, ...]


@dataclass(frozen=True)
class _References:
    version: tuple
    cases: tuple[_Reference, ...]
    supplier_topics: dict[int, frozenset[str]]


def _references_version() -> tuple:
    """The published cases as the peers register sees them (publishing, unpublishing, moving, deleting
    all change it), plus what changes without a publication: suppliers and their topics (snippets) and
    view restrictions (a case behind one is not public)."""
    versions = [peers_version()]
    for model in (Supplier, Supplier.topics.through, PageViewRestriction):
        row = model.objects.aggregate(n=Count("pk"), ids=Sum("pk"))
        versions.append((row["n"], row["ids"]))
    return tuple(versions)


def _references_build(version: tuple) -> _References:
    links = SolutionPage.suppliers.through.objects
    cases = SolutionPage.objects.live().public().filter(pk__in=links.values("solutionpage_id"))
    ids = cases.values("pk")
    suppliers: dict[int, list[int]] = defaultdict(list)
    for case_id, supplier_id in (
        links.filter(solutionpage__in=ids).order_by("pk").values_list("solutionpage_id", "supplier_id")
    ):
        suppliers[case_id].append(supplier_id)
    outcomes = dict(
        SolutionOutcome.objects.filter(page__in=ids)
        .order_by()
        .values("page_id")
        .annotate(n=Count("pk"))
        .values_list("page_id", "n")
    )
    topics: dict[int, set[str]] = defaultdict(set)
    for case_id, slug in TaggedSolution.objects.filter(content_object__in=ids).values_list(
        "content_object_id", "tag__slug"
    ):
        topics[case_id].add(slug)
    supplier_topics: dict[int, set[str]] = defaultdict(set)
    for supplier_id, slug in Supplier.topics.through.objects.values_list("supplier_id", "topic__slug"):
        supplier_topics[supplier_id].add(slug)
    references = tuple(
        _Reference(pk, slug, lead_ags, outcomes.get(pk, 0), frozenset(topics[pk]), tuple(suppliers[pk]))
        for pk, slug, lead_ags in cases.order_by("pk").values_list("pk", "slug", "lead_municipality__ags")
    )
    return _References(version, references, {pk: frozenset(t) for pk, t in supplier_topics.items()})


_references_cache: VersionedCache[_References] = VersionedCache(_references_version, _references_build)


def _references() -> _References:
    """Every published case that names a supplier, compact (ids, slugs, the lead town's AGS, counts),
    cached per process and rebuilt when ``_references_version`` changes (core.versioned_cache). Titles,
    towns' names and suppliers are read fresh for the few references a ranking returns."""
    return _references_cache.get()


def suppliers_references_cache_clear() -> None:
    _references_cache.clear()


def suppliers_list(asking: Municipality, *, topic: str | None = None, limit: int = 10) -> list[SupplierMatch]:
    """Suppliers ranked by their best SUPPLIER_TOP_REFERENCES references: cases in towns similar to the
    asking one (its own: 1), a quarter more with documented outcomes. Ranks from the compact
    ``_references`` and then reads only the suppliers and the cases it returns, so the time hardly grows
    with the number of cases."""
    table = _references()
    cases = table.cases
    if topic:  # the case has the topic, or one of its suppliers offers it
        cases = tuple(
            c for c in cases if topic in c.topics or any(topic in table.supplier_topics.get(s, ()) for s in c.suppliers)
        )
    similarities = peer_similarities(asking.ags, {c.lead_ags for c in cases if c.lead_ags})
    by_supplier: dict[int, list[tuple[float, _Reference]]] = defaultdict(list)
    for case in cases:
        similarity = similarities[case.lead_ags] if case.lead_ags else 0.0
        if case.lead_ags == asking.ags:
            similarity = 1.0
        weight = similarity * (1.25 if case.outcomes else 1.0)
        for supplier_id in case.suppliers:
            by_supplier[supplier_id].append((weight, case))
    suppliers = Supplier.objects.in_bulk(list(by_supplier))
    ranked = []
    for pk, refs in by_supplier.items():
        if pk not in suppliers:  # deleted since the table was built
            continue
        refs.sort(key=lambda r: (-r[0], r[1].slug))
        best = refs[:SUPPLIER_TOP_REFERENCES]
        ranked.append((sum(r[0] for r in best) / SUPPLIER_TOP_REFERENCES, suppliers[pk], best, len(refs)))
    ranked.sort(key=lambda r: (-r[0], r[1].name))
    ranked = ranked[:limit]
    pages = (
        SolutionPage.objects.live()
        .public()
        .filter(pk__in=[ref.case_id for *_, best, _ in ranked for _, ref in best])
        .select_related("lead_municipality")
        .in_bulk()
    )
    matches = []
    for score, supplier, best, count in ranked:
        shown = [(weight, ref, pages[ref.case_id]) for weight, ref in best if ref.case_id in pages]
        if not shown:  # unpublished since the table was built
            continue
        references = [
            {
                "slug": case.slug,
                "title": case.title,
                "url": case.url,
                "municipality": case.lead_municipality.name if case.lead_municipality else None,
                "similarity": round(weight, 4),
                "outcomes": ref.outcomes,
            }
            for weight, ref, case in shown
        ]
        top = shown[0][2].lead_municipality
        reasons = []
        if top is not None:
            own = top.ags == asking.ags
            why = ["in Ihrer eigenen Kommune im Einsatz"] if own else peer_similarity(asking.ags, top.ags)[1]
            reasons.append(f"im Einsatz in {top.name}" + (f" ({why[0]})" if why else ""))
        if count > 1:
            reasons.append(f"{count} Referenzen im Baukasten")
        if any(r["outcomes"] for r in references):
            reasons.append("mit dokumentierten Ergebnissen")
        matches.append(SupplierMatch(supplier, score, references, reasons))
    return matches
