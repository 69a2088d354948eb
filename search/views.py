"""The public search page /suche/: the service's result as facets, chips, hits and pages."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from search.params import ParamError, parse_search_params
from search.service import search
from search.suggest import spelling_suggestions
from search.types import FACETS
from solutions.models import Topic

FACET_TITLES = {"topic": "Thema", "size_class": "Größe (nach Einwohnerzahl)", "state": "Bundesland", "status": "Stand"}
PAGE_SIZE = 10


def _url(params: dict[str, list[str]], **changes) -> str:
    merged = {k: list(v) for k, v in params.items() if k not in ("page",)}
    merged.update({k: v for k, v in changes.items() if v is not None})
    return "?" + urlencode([(k, v) for k, values in merged.items() for v in values if v], doseq=False)


def _sections(result, offset: int) -> list[dict]:
    fitting = [hit for hit in result.hits if not hit.weak]
    weak = [hit for hit in result.hits if hit.weak]
    sections = [{"weak": False, "hits": fitting, "start": offset + 1}] if fitting else []
    if weak:
        sections.append({"weak": True, "hits": weak, "start": offset + len(fitting) + 1})
    return sections


def search_page(request: HttpRequest) -> HttpResponse:
    params = {k: request.GET.getlist(k) for k in ("q", "topic", "size_class", "state", "status", "near", "mode")}
    try:
        query = parse_search_params(dict(request.GET.lists()), default_page_size=PAGE_SIZE)
    except ParamError as exc:
        typed = (params["q"] or [""])[-1][:499]
        return render(request, "search/search.html", {"error": exc.detail, "query": typed}, status=400)
    result = search(query) if (query.text or any(query.filters().values())) else None
    chips, facet_groups = [], []
    if result is not None:
        for facet in FACETS:
            values = []
            for value in result.facets[facet]:
                key = facet
                selected = params.get(key, [])
                toggled = [v for v in selected if v != value.value] if value.selected else [*selected, value.value]
                values.append({"value": value, "url": _url(params, **{key: toggled})})
                if value.selected:
                    chips.append(
                        {"label": value.label, "facet": FACET_TITLES[facet], "url": _url(params, **{key: toggled})}
                    )
            facet_groups.append({"name": facet, "title": FACET_TITLES[facet], "values": values})
    pages = max(1, -(-result.total // PAGE_SIZE)) if result else 1
    context = {
        "query": query.text,
        "result": result,
        "chips": chips,
        "facet_groups": facet_groups,
        "page": query.page,
        "pages": pages,
        "prev_url": _url(params, page=[str(query.page - 1)]) if query.page > 1 else None,
        "next_url": _url(params, page=[str(query.page + 1)]) if result and query.page < pages else None,
        "nearest_topics": Topic.objects.order_by("name")[:8] if result is not None and result.total == 0 else [],
        # the fitting hits, then the weak matches under their own heading (see ranking.WEAK_FLOOR)
        "hit_sections": _sections(result, (query.page - 1) * PAGE_SIZE) if result else [],
        "weak_count": result.total - result.fitting if result else 0,
        "spelling": spelling_suggestions(query.text) if result is not None and not result.total and query.text else [],
        "hidden_params": [(k, v) for k, values in params.items() if k != "q" for v in values],
    }
    return render(request, "search/search.html", context)
