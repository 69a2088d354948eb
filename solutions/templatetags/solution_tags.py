"""What the case templates show besides a page's own fields. The page models stay free of reads: these
tags sit above ``solutions.selectors``, which in turn reads the models."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.db.models import QuerySet

from municipalities.models import Municipality
from municipalities.size_classes import SizeClass
from solutions.models import SolutionAdopter, SolutionPage
from solutions.selectors import (
    ADOPTERS_PREFETCH,
    solution_hosts,
    solution_list,
    solution_prefetch_details,
    solution_size_classes,
)

register = template.Library()


@register.simple_tag
def solution_cards() -> QuerySet[SolutionPage]:
    """The published cases, newest first: the list page /praxisbeispiele/."""
    return solution_list()


@dataclass(frozen=True)
class SolutionDetails:
    runs_in: list[str]  # size classes (labels) of the towns where the case runs
    suitable_for: list[str]  # size classes (labels) the editors consider it suitable for
    hosts: list[Municipality]  # towns that receive visits, lead town first


@register.simple_tag
def solution_details(page: SolutionPage) -> SolutionDetails:
    """Loads what the case page shows onto the page Wagtail serves, with one query per relation."""
    solution_prefetch_details(page)
    return SolutionDetails(
        runs_in=[SizeClass(c).label for c in solution_size_classes(page)],
        suitable_for=[SizeClass(c).label for c in page.suitable_for_list],
        hosts=[host.municipality for host in solution_hosts(page)],
    )


@register.inclusion_tag("solutions/municipality_cases.html")
def municipality_cases(municipality: Municipality) -> dict:
    """The live cases a municipality leads or has adopted, and those it receives visits for."""
    # Two indexed id lookups instead of one OR over a join with DISTINCT, which PostgreSQL answers by
    # scanning every live case.
    adopted = SolutionAdopter.objects.filter(municipality=municipality).values_list("page_id", flat=True)
    led = SolutionPage.objects.filter(lead_municipality=municipality).values_list("pk", flat=True)
    cases = list(solution_list().filter(pk__in={*led, *adopted}).prefetch_related(ADOPTERS_PREFETCH))
    hosting = [case for case in cases if any(host.municipality.pk == municipality.pk for host in solution_hosts(case))]
    return {"cases": cases, "hosting": hosting, "municipality": municipality}
