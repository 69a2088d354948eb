"""Ranked introductions for one municipality: hospitation hosts and suppliers. Each result says why,
in plain German, from the actual contributions."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from matching.hospitation import host_capacity, host_capacity_left
from matching.models import HospitationRequest
from matching.peers import peer_similarity
from municipalities.geography import distance_km
from municipalities.models import Municipality
from solutions.models import SolutionPage, Supplier
from solutions.selectors import solution_detail_queryset, solution_hosts, solutions_with_hosts

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


def hospitation_hosts(
    asking: Municipality, *, topic: str | None = None, solution: str | None = None, limit: int = 10
) -> list[HostMatch]:
    cases = solution_detail_queryset().live().public()
    if solution:
        cases = cases.filter(slug=solution)
    if topic:
        cases = cases.filter(tagged_topics__tag__slug=topic).distinct()
    cases = solutions_with_hosts(cases)
    year = timezone.localdate().year
    asked = dict(HospitationRequest.objects.filter(year=year).values_list("host_id").annotate(n=Count("id")))
    matches: list[HostMatch] = []
    for case in cases:
        outcomes = len(case.outcomes.all())
        for host in (offer.municipality for offer in solution_hosts(case)):
            if host.pk == asking.pk:
                continue
            left = host_capacity_left(case, host, year)
            if left <= 0:  # never a host without capacity
                continue
            similarity, similarity_reasons = peer_similarity(asking.ags, host.ags)
            distance = distance_km(asking, host)
            closeness = math.exp(-distance / DISTANCE_SCALE_KM) if distance is not None else 0.5
            capacity = host_capacity(case, host) or 1
            score = (
                HOST_WEIGHTS["similarity"] * similarity
                + HOST_WEIGHTS["distance"] * closeness
                + HOST_WEIGHTS["outcomes"] * min(1.0, outcomes / 3)
                + HOST_WEIGHTS["capacity"] * left / capacity
            )
            requests = asked.get(host.pk, 0)
            score /= 1 + POPULARITY_PENALTY * requests
            reasons = similarity_reasons[:2]
            if distance is not None:
                reasons.append(f"{_de(distance)} km entfernt")
            if outcomes:
                reasons.append(
                    f"{outcomes} dokumentierte Ergebnisse" if outcomes > 1 else "ein dokumentiertes Ergebnis"
                )
            reasons.append(f"noch {left} {'Platz' if left == 1 else 'Plätze'} frei in {year}")
            if requests >= 3:
                reasons.append(f"schon {requests} Anfragen in diesem Jahr")
            matches.append(HostMatch(host, case, score, similarity, distance, left, reasons))
    matches.sort(key=lambda m: (-m.score, m.municipality.ags, m.solution.slug))
    return matches[:limit]


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


def suppliers_list(asking: Municipality, *, topic: str | None = None, limit: int = 10) -> list[SupplierMatch]:
    cases = solution_detail_queryset().live().public().filter(suppliers__isnull=False).distinct()
    if topic:
        cases = cases.filter(Q(tagged_topics__tag__slug=topic) | Q(suppliers__topics__slug=topic)).distinct()
    by_supplier: dict[int, list[tuple[float, SolutionPage, list[str]]]] = defaultdict(list)
    suppliers: dict[int, Supplier] = {}
    for case in cases:
        lead = case.lead_municipality
        similarity, why = peer_similarity(asking.ags, lead.ags) if lead else (0.0, [])
        if lead is not None and lead.pk == asking.pk:
            similarity, why = 1.0, ["in Ihrer eigenen Kommune im Einsatz"]
        weight = similarity * (1.25 if len(case.outcomes.all()) else 1.0)
        for supplier in case.suppliers.all():
            suppliers[supplier.pk] = supplier
            by_supplier[supplier.pk].append((weight, case, why))
    matches = []
    for pk, refs in by_supplier.items():
        refs.sort(key=lambda r: (-r[0], r[1].slug))
        best = refs[:SUPPLIER_TOP_REFERENCES]
        score = sum(r[0] for r in best) / SUPPLIER_TOP_REFERENCES
        references = [
            {
                "slug": case.slug,
                "title": case.title,
                "url": case.url,
                "municipality": case.lead_municipality.name if case.lead_municipality else None,
                "similarity": round(weight, 4),
                "outcomes": len(case.outcomes.all()),
            }
            for weight, case, _ in best
        ]
        top_case = best[0][1]
        reasons = []
        if top_case.lead_municipality is not None:
            reasons.append(
                f"im Einsatz in {top_case.lead_municipality.name}" + (f" ({best[0][2][0]})" if best[0][2] else "")
            )
        if len(refs) > 1:
            reasons.append(f"{len(refs)} Referenzen im Baukasten")
        if any(r["outcomes"] for r in references):
            reasons.append("mit dokumentierten Ergebnissen")
        matches.append(SupplierMatch(suppliers[pk], score, references, reasons))
    matches.sort(key=lambda m: (-m.score, m.supplier.name))
    return matches[:limit]
