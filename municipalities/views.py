from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from municipalities.map import HEIGHT, WIDTH, project
from municipalities.selectors import municipality_get, municipality_search

MAX_QUERY_LENGTH = 100


def municipality_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    page = None
    if query:
        page = Paginator(municipality_search(query), 25).get_page(request.GET.get("page"))
    return render(request, "municipalities/municipality_list.html", {"query": query, "page": page})


def municipality_detail(request: HttpRequest, ags: str, slug: str) -> HttpResponse:
    municipality = municipality_get(ags)
    if municipality is None:
        raise Http404("Kommune nicht gefunden")
    if slug != municipality.slug:
        return redirect(municipality, permanent=True)
    marker = project(municipality.lat, municipality.lon) if municipality.lat is not None else None
    return render(
        request,
        "municipalities/municipality_detail.html",
        {"municipality": municipality, "marker": marker, "map_width": WIDTH, "map_height": HEIGHT},
    )
