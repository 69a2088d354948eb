from django import template
from django.db.models import Q

from solutions.selectors import solution_list

register = template.Library()


@register.inclusion_tag("solutions/municipality_cases.html")
def municipality_cases(municipality) -> dict:
    """The live cases a municipality leads or has adopted, and whether it receives visits for them."""
    cases = list(
        solution_list()
        .filter(Q(lead_municipality=municipality) | Q(adopters__municipality=municipality))
        .distinct()
        .prefetch_related("adopters")
    )
    hosting = [
        case
        for case in cases
        if (case.lead_municipality_id == municipality.pk and case.lead_hosts_visits)
        or any(a.municipality_id == municipality.pk and a.hosts_visits for a in case.adopters.all())
    ]
    return {"cases": cases, "hosting": hosting, "municipality": municipality}
