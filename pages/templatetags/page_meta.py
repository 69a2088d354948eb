from __future__ import annotations

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag(takes_context=True)
def canonical_url(context) -> str:
    """The page's address on the configured public host (SITE_BASE_URL), without query string: one
    address per page for search engines and link previews, whatever host header a proxy passed on."""
    request = context.get("request")
    path = request.path if request is not None else "/"
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path
