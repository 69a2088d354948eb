"""What the home page shows. Every figure is counted from the data, never typed in by hand."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Q, QuerySet

from matching.models import (
    HOSPITATION_OPEN_STATES,
    HospitationRequest,
    HospitationStatus,
    TandemPair,
    TandemRoundStatus,
)
from matching.peers import peers_list
from municipalities.models import Municipality
from solutions.choices import RUNNING_STATUSES
from solutions.models import SolutionAdopter, SolutionPage, Topic
from solutions.selectors import solution_list, solutions_filter_size_classes, topics_in_use


def _cards() -> QuerySet[SolutionPage]:
    # The cards show title, teaser and lead town only, so the topic prefetch of the list is dropped.
    return solution_list().prefetch_related(None)


# How many similar towns are considered for "Lösungen aus Kommunen wie Ihrer".
PEER_POOL = 50
# The site-wide parts of the home page (topic counts, new and confirmed cases, figures) count over every
# live case; at 50,000 cases that is hundreds of milliseconds, so they are computed once a minute.
OVERVIEW_CACHE_KEY = "pages:home-overview"
OVERVIEW_SECONDS = 60


@dataclass(frozen=True)
class SiteNumbers:
    cases: int
    municipalities_with_cases: int
    visits_arranged: int
    tandems_formed: int


@dataclass(frozen=True)
class HomeOverview:
    topics: list[Topic]
    recent: list[SolutionPage]
    confirmed: list[SolutionPage]
    numbers: SiteNumbers


def home_overview() -> HomeOverview:
    """The site-wide parts of the home page, at most OVERVIEW_SECONDS old. The cache holds ids and
    counts only; the cards are read fresh by primary key, so an unpublished case never shows."""
    cached = cache.get(OVERVIEW_CACHE_KEY)
    if cached is None:
        recent = cases_recently_published()
        cached = {
            "topics": list(home_topics()),
            "recent": [case.pk for case in recent],
            "confirmed": [case.pk for case in cases_recently_confirmed(exclude=recent)],
            "numbers": site_numbers(),
        }
        cache.set(OVERVIEW_CACHE_KEY, cached, OVERVIEW_SECONDS)
    cards = {case.pk: case for case in _cards().filter(pk__in=cached["recent"] + cached["confirmed"])}
    return HomeOverview(
        topics=cached["topics"],
        recent=[cards[pk] for pk in cached["recent"] if pk in cards],
        confirmed=[cards[pk] for pk in cached["confirmed"] if pk in cards],
        numbers=cached["numbers"],
    )


def home_topics() -> QuerySet[Topic]:
    """Topics that have at least one live case, most cases first."""
    return topics_in_use().order_by("-solution_count", "name")


def cases_recently_published(limit: int = 4) -> list[SolutionPage]:
    return list(_cards()[:limit])


def cases_recently_confirmed(exclude: list[SolutionPage], limit: int = 4) -> list[SolutionPage]:
    """Cases whose towns confirmed most recently that they still run; ``exclude`` keeps the cases
    already shown as new from appearing twice."""
    cases = _cards().filter(last_confirmed__isnull=False).exclude(pk__in=[case.pk for case in exclude])
    return list(cases.order_by("-last_confirmed", "title")[:limit])


def site_numbers() -> SiteNumbers:
    live = SolutionPage.objects.live().public()
    leads = live.values("lead_municipality_id")
    adopters = SolutionAdopter.objects.filter(page__in=live, status__in=RUNNING_STATUSES).values("municipality_id")
    return SiteNumbers(
        cases=live.count(),
        municipalities_with_cases=Municipality.objects.filter(Q(pk__in=leads) | Q(pk__in=adopters)).count(),
        visits_arranged=HospitationRequest.objects.filter(status=HospitationStatus.ACCEPTED).count(),
        tandems_formed=TandemPair.objects.filter(round__status=TandemRoundStatus.CONFIRMED).count(),
    )


def cases_from_similar_towns(municipality: Municipality, limit: int = 4) -> list[SolutionPage]:
    """Live cases led by the towns most similar to ``municipality`` (best peer first); topped up with
    cases from towns of the same size class when the peers have too few. The town's own cases are left out."""
    rank = {peer.ags: i for i, peer in enumerate(peers_list(municipality, PEER_POOL))}
    others = _cards().exclude(lead_municipality=municipality)
    from_peers = sorted(
        others.filter(lead_municipality__ags__in=rank),
        key=lambda case: (rank[case.lead_municipality.ags], -case.first_published_at.timestamp()),
    )[:limit]
    if len(from_peers) < limit:
        same_size = solutions_filter_size_classes(others, [municipality.size_class]).exclude(
            pk__in=[case.pk for case in from_peers]
        )
        from_peers += list(same_size[: limit - len(from_peers)])
    return from_peers


def hospitation_requests_open(municipality: Municipality) -> QuerySet[HospitationRequest]:
    """Visits this town asked for or was asked for that still wait for an answer."""
    return (
        HospitationRequest.objects.filter(
            Q(visitor=municipality) | Q(host=municipality), status__in=HOSPITATION_OPEN_STATES
        )
        .select_related("solution", "visitor", "host")
        .order_by("-created_at")
    )


def home_featured_cases(home) -> list[SolutionPage]:
    """The editors' picks that are still live, in their order."""
    ids = [featured.case_id for featured in home.featured_cases.all()]
    cases = {case.pk: case for case in _cards().filter(pk__in=ids)} if ids else {}
    return [cases[pk] for pk in ids if pk in cases]
