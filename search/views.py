"""The public search page. Until the search service of ``search/`` lands this page searches the
published pages with Wagtail's database backend and the register by name."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from wagtail.models import Page

from municipalities.selectors import municipality_search

MAX_QUERY_LENGTH = 200


def search_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    pages, municipalities = [], []
    if query:
        pages = list(Page.objects.live().public().specific().search(query)[:20])
        municipalities = list(municipality_search(query)[:10])
    return render(request, "search/search.html", {"query": query, "pages": pages, "municipalities": municipalities})
