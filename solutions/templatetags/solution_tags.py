from django import template

from solutions.models import SolutionAdopter, SolutionPage
from solutions.selectors import solution_list

register = template.Library()


@register.inclusion_tag("solutions/municipality_cases.html")
def municipality_cases(municipality) -> dict:
    """The live cases a municipality leads or has adopted, and whether it receives visits for them."""
    # Two indexed id lookups instead of one OR over a join with DISTINCT, which PostgreSQL answers by
    # scanning every live case.
    adopted = SolutionAdopter.objects.filter(municipality=municipality).values_list("page_id", flat=True)
    led = SolutionPage.objects.filter(lead_municipality=municipality).values_list("pk", flat=True)
    cases = list(solution_list().filter(pk__in={*led, *adopted}).prefetch_related("adopters"))
    hosting = [
        case
        for case in cases
        if (case.lead_municipality_id == municipality.pk and case.lead_hosts_visits)
        or any(a.municipality_id == municipality.pk and a.hosts_visits for a in case.adopters.all())
    ]
    return {"cases": cases, "hosting": hosting, "municipality": municipality}
