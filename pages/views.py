from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

# Personal and endless pages stay out of search engines; everything public is in the sitemap.
DISALLOWED = ["/admin/", "/api/", "/konto/", "/meine-anfragen/", "/meine-einreichungen/", "/einreichen/",
              "/hospitation/", "/tandem/", "/suche/"]


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOWED), ""]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers and feed readers ask for /favicon.ico whatever the page links; the icon is an SVG in static/
    (resolved per request: in production its name carries the content hash)."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))
