from django import template

from search.related import related_cases

register = template.Library()


@register.inclusion_tag("search/related_cases.html")
def related(page, size: int = 4) -> dict:
    return {"related": related_cases(page.pk, size)}
