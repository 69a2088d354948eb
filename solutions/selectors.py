"""Reads for practice cases. Town sizes are derived at read time from the lead municipality and the
adopters (plus the editors' "geeignet für"), so they are current whenever a population or an adopter
changes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet, prefetch_related_objects

from municipalities.models import Municipality
from municipalities.size_classes import SIZE_CLASS_ORDER, SizeClass
from solutions.choices import RUNNING_STATUSES
from solutions.models import SolutionAdopter, SolutionIndexPage, SolutionPage, Supplier, TaggedSolution, Topic

DEFAULT_VISITS_PER_YEAR = 6  # when a host ticks "empfängt Hospitationen" without a number


def solution_index_get() -> SolutionIndexPage:
    """The list of cases, the parent of every case; the site setup (``pages``) creates it after ``migrate``."""
    index = SolutionIndexPage.objects.first()
    if index is None:
        raise SolutionIndexPage.DoesNotExist(
            "Die Seite „Praxisbeispiele“ fehlt; „python manage.py migrate“ legt sie wieder an."
        )
    return index


def solution_list() -> QuerySet[SolutionPage]:
    return (
        SolutionPage.objects.live()
        .public()
        .select_related("lead_municipality")
        .prefetch_related("tagged_topics__tag")
        .order_by("-first_published_at")
    )


def solution_size_classes(page: SolutionPage) -> list[str]:
    """Size classes where the case runs (lead and adopters from the pilot on), in BBSR order."""
    classes = set()
    if page.lead_municipality is not None:
        classes.add(page.lead_municipality.size_class)
    classes.update(a.municipality.size_class for a in page.adopters.all() if a.runs)
    return [c.value for c in SIZE_CLASS_ORDER if c.value in classes]


def solution_all_size_classes(page: SolutionPage) -> list[str]:
    """Where it runs plus where editors consider it suitable: the tags used for filtering."""
    classes = set(solution_size_classes(page)) | set(page.suitable_for_list)
    return [c.value for c in SIZE_CLASS_ORDER if c.value in classes]


def solutions_filter_size_classes(queryset: QuerySet[SolutionPage], classes: list[str]) -> QuerySet[SolutionPage]:
    # Adopters as a subquery, not a join: no DISTINCT over every column of thousands of pages.
    adopted = SolutionAdopter.objects.filter(municipality__size_class__in=classes, status__in=RUNNING_STATUSES).values(
        "page_id"
    )
    condition = Q(lead_municipality__size_class__in=classes) | Q(pk__in=adopted)
    for value in classes:
        condition |= Q(suitable_for__contains=SizeClass(value).value)
    return queryset.filter(condition)


# The adopters with their towns: what ``solution_size_classes`` and ``solution_hosts`` read (and the export
# its ``learned_from``).
ADOPTERS_PREFETCH = Prefetch(
    "adopters", queryset=SolutionAdopter.objects.select_related("municipality", "learned_from")
)
DETAIL_PREFETCH = (
    "tagged_topics__tag",
    "suppliers",
    "outcomes",
    ADOPTERS_PREFETCH,
    "attachments__document",
)


def solution_detail_queryset() -> QuerySet[SolutionPage]:
    return SolutionPage.objects.select_related("lead_municipality").prefetch_related(*DETAIL_PREFETCH)


def solution_prefetch_details(page: SolutionPage) -> None:
    """Loads what the case page shows onto an instance Wagtail already fetched."""
    prefetch_related_objects([page], "lead_municipality", *DETAIL_PREFETCH)


@dataclass(frozen=True)
class SolutionHost:
    municipality: Municipality
    visits_per_year: int


def solution_hosts(page: SolutionPage) -> list[SolutionHost]:
    """Who receives visits for this case, lead town first: the one answer every page, API and request uses.

    Reads ``page.adopters.all()``, so a caller listing many cases prefetches adopters with their town
    (``ADOPTERS_PREFETCH``, part of ``DETAIL_PREFETCH``)."""
    hosts = []
    if page.lead_hosts_visits and page.lead_municipality is not None:
        hosts.append(SolutionHost(page.lead_municipality, page.lead_visits_per_year or DEFAULT_VISITS_PER_YEAR))
    hosts += [
        SolutionHost(adopter.municipality, adopter.visits_per_year or DEFAULT_VISITS_PER_YEAR)
        for adopter in page.adopters.all()
        if adopter.hosts_visits and adopter.runs
    ]
    return hosts


def solutions_with_hosts(queryset: QuerySet[SolutionPage]) -> QuerySet[SolutionPage]:
    """The database form of ``solution_hosts``: cases where at least one town receives visits."""
    hosting = SolutionAdopter.objects.filter(hosts_visits=True, status__in=RUNNING_STATUSES).values("page_id")
    return queryset.filter(Q(lead_hosts_visits=True, lead_municipality__isnull=False) | Q(pk__in=hosting))


def topics_with_counts() -> QuerySet[Topic]:
    live = Q(tagged_solutions__content_object__live=True)
    return Topic.objects.annotate(solution_count=Count("tagged_solutions", filter=live, distinct=True))


def topics_in_use() -> QuerySet[Topic]:
    """Topics with at least one live case, annotated with ``solution_count``."""
    return topics_with_counts().filter(solution_count__gt=0)


def solutions_for_topic(topic: Topic) -> QuerySet[SolutionPage]:
    tagged = TaggedSolution.objects.filter(tag=topic).values("content_object_id")
    return solution_list().filter(pk__in=tagged)


def supplier_references(supplier: Supplier) -> QuerySet[SolutionPage]:
    return solution_list().filter(suppliers=supplier)


CONFIRMATION_INTERVAL = dt.timedelta(days=365)


def solutions_due_for_confirmation(today: dt.date) -> QuerySet[SolutionPage]:
    """Live cases not confirmed for twelve months (or never)."""
    cutoff = today - CONFIRMATION_INTERVAL
    return (
        SolutionPage.objects.live()
        .filter(Q(last_confirmed__lt=cutoff) | Q(last_confirmed__isnull=True))
        .select_related("lead_municipality")
        .order_by("last_confirmed", "title")
    )


def submissions_of_municipality(municipality_id: int) -> QuerySet[SolutionPage]:
    return SolutionPage.objects.filter(lead_municipality_id=municipality_id).order_by("-latest_revision_created_at")
