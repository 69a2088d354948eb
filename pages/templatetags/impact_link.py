"""The link to the impact page „Wirkung“ in the header and footer of every page."""

from __future__ import annotations

from django import template
from django.core.cache import cache

register = template.Library()

# Every page shows the link; looking the page up once in five minutes keeps it off the per-request queries.
CACHE_KEY = "pages:impact-url"
CACHE_SECONDS = 300


@register.simple_tag
def impact_page_url() -> str:
    """The address of the live impact page, "" when there is none (the link is then left out)."""
    url = cache.get(CACHE_KEY)
    if url is None:
        from pages.models import ImpactPage

        page = ImpactPage.objects.live().public().first()
        url = (page.get_url() or "") if page is not None else ""
        cache.set(CACHE_KEY, url, CACHE_SECONDS)
    return url
