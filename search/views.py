"""The public search page /suche/: the service's result as facets, chips, hits and pages."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.api_schema import DEFAULT_PAGE_SIZE
from municipalities.models import Municipality
from search.near import member_town, town_name
from search.params import ParamError, parse_search_params
from search.service import search
from search.suggest import spelling_suggestions
from search.types import FACETS
from solutions.models import Topic

FACET_TITLES = {
    "topic": "Thema",
    "size_class": "Größe (nach Einwohnerzahl)",
    "state": "Bundesland",
    "status": "Stand",
    "proven": "Übernahme",
}


def _url(params: dict[str, list[str]], **changes) -> str:
    merged = {k: list(v) for k, v in params.items() if k not in ("page",)}
    merged.update({k: v for k, v in changes.items() if v is not None})
    return "?" + urlencode([(k, v) for k, values in merged.items() for v in values if v], doseq=False)


def _member_near(request: HttpRequest, own: Municipality, params: dict[str, list[str]]) -> tuple[list[str], list[str]]:
    """A member searches „Kommunen wie meine“ (``near=`` its own town) unless the form's switch sent
    ``similar=0``; that value travels in every link of the search, so it stays off. Returns the ``near``
    values to search with and the ``similar`` values to carry. The own town is dropped from the carried
    ``params["near"]`` (it is the default), so that a leftover parameter cannot undo switching off."""
    prefer = (request.GET.getlist("similar") or ["1"])[-1] != "0"
    other = [v for v in params["near"] if v.strip() and v.strip() != own.ags]
    params["near"] = other
    return (other or ([own.ags] if prefer else [])), ([] if prefer else ["0"])


def _sections(result, offset: int) -> list[dict]:
    """The page's hits as one list, or, when every weak match on it follows the fitting ones, as two: the
    fitting hits, then the weak matches under their own heading."""
    hits = result.hits
    split = next((i for i, hit in enumerate(hits) if hit.weak), len(hits))
    if any(not hit.weak for hit in hits[split:]):  # interleaved: one list, each weak match marked in place
        return [{"weak": False, "hits": hits, "start": offset + 1}]
    parts = [(False, hits[:split], offset + 1), (True, hits[split:], offset + split + 1)]
    return [{"weak": weak, "hits": part, "start": start} for weak, part, start in parts if part]


def search_page(request: HttpRequest) -> HttpResponse:
    params = {
        k: request.GET.getlist(k)
        for k in ("q", "topic", "size_class", "state", "status", "proven", "near", "mode", "page_size")
    }
    given = dict(request.GET.lists())
    own = member_town(request.user)
    if own is not None:
        given["near"], params["similar"] = _member_near(request, own, params)
    try:
        query = parse_search_params(given, default_page_size=DEFAULT_PAGE_SIZE)
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
    pages = max(1, -(-result.total // query.page_size)) if result else 1
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
        "hit_sections": _sections(result, (query.page - 1) * query.page_size) if result else [],
        "weak_count": result.total - result.fitting if result else 0,
        "spelling": spelling_suggestions(query.text) if result is not None and not result.total and query.text else [],
        "hidden_params": [(k, v) for k, values in params.items() if k != "q" for v in values],
        "own_town": own,
        "prefers_own": own is not None and query.near == own.ags,
        "near_name": (own.name if own is not None and query.near == own.ags else town_name(query.near)),
    }
    return render(request, "search/search.html", context)
