from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from core.api_errors import ApiError
from search.params import ParamError, parse_search_params
from search.service import search
from search.suggest import suggestions
from search.types import SearchResult

router = Router(tags=["Praxisbeispiele"])


def result_json(result: SearchResult) -> dict:
    return {
        "count": result.total,
        "results": [
            {
                "slug": h.slug,
                "title": h.title,
                "summary": h.summary,
                "url": h.url,
                "score": h.score,
                "topics": h.topics,
                "size_classes": h.size_classes,
                "municipality": h.municipality,
                "highlight": h.highlight,
                "reasons": h.reasons,
            }
            for h in result.hits
        ],
        "facets": {
            facet: [{"value": v.value, "label": v.label, "count": v.count} for v in values]
            for facet, values in result.facets.items()
        },
        "backend": result.backend,
        "mode": result.query.mode.value,
        "page": result.query.page,
        "page_size": result.query.page_size,
    }


def _query(request: HttpRequest):
    try:
        return parse_search_params(dict(request.GET.lists()))
    except ParamError as exc:
        detail = exc.detail + (f" Gültig: {', '.join(exc.valid)}." if exc.valid else "")
        raise ApiError(400, exc.error, detail) from None


@router.get(
    "/solutions/",
    summary="Praxisbeispiele suchen",
    description="Parameter: q, topic (Slug oder Name, mehrfach), size_class, state (Name oder Schlüssel), "
    "status, near (AGS), mode (hybrid|lexical|semantic), page, page_size.",
)
def search_solutions(request: HttpRequest):
    query = _query(request)
    result = search(query)
    pages = max(1, -(-result.total // query.page_size))
    if query.page > pages:
        raise ApiError(400, "page_out_of_range", f"Seite {query.page} gibt es nicht; es gibt {pages} Seite(n).")
    return result_json(result)


@router.get("/suggest/", summary="Vorschläge während der Eingabe")
def suggest(request: HttpRequest, q: str = ""):
    if len(q) > 100:
        raise ApiError(400, "query_too_long", "q darf höchstens 100 Zeichen lang sein.")
    return suggestions(q)
