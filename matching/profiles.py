"""What a town's profile shows from the floors above the register: hospitation hosts nearby, suppliers
with their references, and similar towns that have published cases to learn from. Each read takes a
bounded number of queries, however many cases there are."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.utils import timezone

from matching.hospitation import host_places_left_many
from matching.peers import Peer, peers_list
from matching.services import SupplierMatch, suppliers_list
from municipalities.geography import distance_km
from municipalities.models import Municipality
from solutions.choices import RUNNING_STATUSES
from solutions.models import SolutionAdopter, SolutionPage
from solutions.selectors import ADOPTERS_PREFETCH, solution_hosts, solutions_with_hosts

PROFILE_CACHE_SECONDS = 300
PROFILE_HOSTS = 5
PROFILE_SUPPLIERS = 4
PROFILE_LEARN_FROM = 6
CASES_PER_PEER = 3
# Hosts are looked for in growing circles, so that a profile loads only the hosting cases near the town
# rather than all of them; the last step (None) takes every host in Germany.
SEARCH_RADII_KM: tuple[float | None, ...] = (100, None)
KM_PER_DEGREE = 111.2


@dataclass(frozen=True)
class NearbyHost:
    municipality: Municipality
    distance_km: float | None
    cases: list[SolutionPage]  # published cases it receives visits for, with places left this year


def _near(prefix: str, town: Municipality, radius_km: float) -> Q:
    """Within a lat/lon box around the town: a cheap superset of the circle, narrowed in Python."""
    dlat = radius_km / KM_PER_DEGREE
    dlon = radius_km / (KM_PER_DEGREE * max(0.1, math.cos(math.radians(town.lat))))
    return Q(
        **{
            f"{prefix}lat__range": (town.lat - dlat, town.lat + dlat),
            f"{prefix}lon__range": (town.lon - dlon, town.lon + dlon),
        }
    )


def _hosting_cases(town: Municipality, radius_km: float | None) -> QuerySet[SolutionPage]:
    cases = solutions_with_hosts(SolutionPage.objects.live().public())
    if radius_km is not None:
        # A host is the lead town or an adopter (solution_hosts); a case none of whose towns is near
        # cannot have a host nearby.
        adopted_near = SolutionAdopter.objects.filter(
            _near("municipality__", town, radius_km), status__in=RUNNING_STATUSES
        ).values("page_id")
        cases = cases.filter(_near("lead_municipality__", town, radius_km) | Q(pk__in=adopted_near))
    return cases.select_related("lead_municipality").prefetch_related(ADOPTERS_PREFETCH).order_by("title", "pk")


def profile_hosts_nearby(town: Municipality, limit: int = PROFILE_HOSTS) -> list[NearbyHost]:
    """Towns that receive visits for a published case and still have places this year, nearest first
    (towns without coordinates last, by name); the town itself is never its own host."""
    year = timezone.localdate().year
    radii = SEARCH_RADII_KM if town.lat is not None and town.lon is not None else (None,)
    for radius in radii:
        cases = list(_hosting_cases(town, radius))
        offers = [(case, host) for case in cases for host in solution_hosts(case) if host.municipality.pk != town.pk]
        places_left = host_places_left_many(offers, year)
        by_host: dict[int, tuple[Municipality, list[SolutionPage]]] = {}
        for case, host in offers:
            place = host.municipality
            if places_left[place.pk, case.pk] > 0:
                by_host.setdefault(place.pk, (place, []))[1].append(case)
        hosts = [NearbyHost(place, distance_km(town, place), cases) for place, cases in by_host.values()]
        if radius is not None:
            hosts = [h for h in hosts if h.distance_km is not None and h.distance_km <= radius]
        if len(hosts) >= limit or radius is None:
            far = math.inf
            hosts.sort(key=lambda h: (far if h.distance_km is None else h.distance_km, h.municipality.name))
            return hosts[:limit]
    return []  # not reached: the last radius is None


def profile_suppliers(town: Municipality, limit: int = PROFILE_SUPPLIERS) -> list[SupplierMatch]:
    """Suppliers with their references, ranked for this town: the API's ranking (``suppliers_list``)."""
    return suppliers_list(town, limit=limit)


@dataclass(frozen=True)
class PeerCases:
    peer: Peer
    cases: list[SolutionPage]  # its published cases (led or adopted), newest first, at most CASES_PER_PEER


def profile_learn_from(town: Municipality, limit: int = PROFILE_LEARN_FROM) -> list[PeerCases]:
    """„Von diesen Kommunen lernen“: the most similar towns that lead or have adopted a published case,
    each with those cases."""
    peers = peers_list(town, limit, has_cases=True)
    if not peers:
        return []
    ags = [p.ags for p in peers]
    adopted: dict[int, set[str]] = defaultdict(set)
    for page_id, adopter_ags in SolutionAdopter.objects.filter(
        municipality__ags__in=ags, status__in=RUNNING_STATUSES
    ).values_list("page_id", "municipality__ags"):
        adopted[page_id].add(adopter_ags)
    cases = (
        SolutionPage.objects.live()
        .public()
        .filter(Q(lead_municipality__ags__in=ags) | Q(pk__in=list(adopted)))
        .select_related("lead_municipality")
        .order_by("-first_published_at", "pk")
    )
    by_ags: dict[str, list[SolutionPage]] = defaultdict(list)
    for case in cases:
        lead = case.lead_municipality.ags if case.lead_municipality else None
        for peer_ags in {lead, *adopted.get(case.pk, ())} & set(ags):
            by_ags[peer_ags].append(case)
    return [PeerCases(p, by_ags[p.ags][:CASES_PER_PEER]) for p in peers if by_ags[p.ags]]


TOWNS_PER_STATE = 12


@dataclass(frozen=True)
class TownWithCases:
    municipality: Municipality
    cases: int  # published cases it leads or has adopted


@dataclass(frozen=True)
class StateWithCases:
    state: str  # two-digit key
    name: str
    towns: list[TownWithCases]  # the TOWNS_PER_STATE with most cases, then by name
    town_count: int  # all towns of the Land with published cases


LANDING_CACHE_KEY = "matching:towns-with-cases"


def _towns_with_cases_counted(per_state: int) -> list[tuple[str, list[tuple[int, int]], int]]:
    """(Land, [(town id, cases)] of the per_state towns with most cases, all towns of the Land)."""
    live = SolutionPage.objects.live().public()
    counts: dict[int, int] = defaultdict(int)
    for town_id in live.filter(lead_municipality__isnull=False).values_list("lead_municipality_id", flat=True):
        counts[town_id] += 1
    for town_id in SolutionAdopter.objects.filter(page__in=live, status__in=RUNNING_STATUSES).values_list(
        "municipality_id", flat=True
    ):
        counts[town_id] += 1
    by_state: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for pk, state, name in Municipality.objects.filter(pk__in=list(counts)).values_list("pk", "state", "name"):
        by_state[state].append((pk, counts[pk], name))
    result = []
    for state in sorted(by_state):
        ranked = sorted(by_state[state], key=lambda t: (-t[1], t[2], t[0]))
        result.append((state, [(pk, n) for pk, n, _ in ranked[:per_state]], len(ranked)))
    return result


def towns_with_cases_by_state(per_state: int = TOWNS_PER_STATE) -> list[StateWithCases]:
    """The register's landing page: towns that lead or have adopted a published case, grouped by Land
    (Länder in order of their key, as the register lists them), at most PROFILE_CACHE_SECONDS old. The
    cache holds ids and counts; the towns are read fresh by primary key."""
    key = f"{LANDING_CACHE_KEY}:{per_state}"
    cached = cache.get(key)
    if cached is None:
        cached = _towns_with_cases_counted(per_state)
        cache.set(key, cached, PROFILE_CACHE_SECONDS)
    towns = Municipality.objects.in_bulk([pk for _, ranked, _ in cached for pk, _ in ranked])
    result = []
    for state, ranked, town_count in cached:
        shown = [TownWithCases(towns[pk], n) for pk, n in ranked if pk in towns]
        if shown:
            result.append(StateWithCases(state, shown[0].municipality.state_name, shown, town_count))
    return result
