from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Router, Schema

from core.api_errors import ApiError
from core.api_schema import AGS_PATTERN, DEFAULT_PAGE_SIZE, MAX_PAGE, MAX_PAGE_SIZE, TEXT_PATTERN, documented, responses
from municipalities.size_classes import SizeClass
from municipalities.states import State
from search.params import MAX_QUERY_LENGTH, PROVEN_NO, PROVEN_YES, ParamError, parse_search_params
from search.service import search
from search.suggest import suggestions
from search.types import Mode, SearchResult
from solutions.choices import SolutionStatus

router = Router(tags=["Praxisbeispiele"])


SUGGEST_MAX_LENGTH = 100
NO_NUL_PATTERN = r"^[^\x00]*$"  # config.security answers 400 to a NUL in any parameter


class Place(Schema):
    ags: str
    name: str
    state: str
    population: int | None = Field(None, description="Einwohnerzahl der federführenden Kommune")
    size_class: SizeClass | None = Field(None, description="Größenklasse nach Einwohnerzahl (Slug)")
    size_class_label: str | None = Field(None, description="Größenklasse nach Einwohnerzahl, z. B. „Kleinstadt“")


class Adoptions(Schema):
    count: int = Field(..., description="übernehmende Kommunen (ohne die federführende)")
    in_operation: int = Field(..., description="davon im Betrieb oder abgeschlossen")


class Hit(Schema):
    slug: str
    title: str
    summary: str
    url: str
    score: float
    topics: list[str]
    size_classes: list[str]
    municipality: Place | None
    highlight: str
    reasons: list[str]
    weak: bool = Field(False, description="schwacher Treffer: passt weniger gut, steht nach den passenden")
    adoptions: Adoptions = Field(..., description="wie weit die Lösung gereist ist: „in 3 Kommunen übernommen“")


class FacetValue(Schema):
    value: str
    label: str
    count: int


class SearchOut(Schema):
    count: int
    fitting: int = Field(..., description="wie viele der count Treffer passen; die übrigen sind schwache Treffer")
    results: list[Hit]
    facets: dict[str, list[FacetValue]]
    backend: str = Field(..., description="database oder elasticsearch")
    mode: Mode
    page: int
    page_size: int


class SuggestOut(Schema):
    query: str
    solutions: list[dict]
    topics: list[dict]
    municipalities: list[dict]


def _listed(name: str, description: str, values: list[str] | None = None, **extra) -> dict:
    """A parameter that may repeat (``topic=a&topic=b``); a comma-separated list is accepted too."""
    items = {"type": "string", **({"enum": ["", *values]} if values is not None else {}), **extra}
    return {
        "name": name,
        "in": "query",
        "required": False,
        "style": "form",
        "explode": True,
        "description": description,
        "schema": {"type": "array", "items": items},
    }


def _single(name: str, description: str, schema: dict) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


# JSON Schema patterns know no case-insensitive flag: spell every letter both ways.
PROVEN_PATTERN = "^(" + "|".join(
    "".join(f"[{c}{c.upper()}]" if c.isalpha() else c for c in v) for v in (*PROVEN_YES, *PROVEN_NO)
) + ")$"


# The search reads its parameters itself (search.params, shared with the search page, which accepts
# repeated and comma-separated values); the schema describes exactly what it accepts.
SEARCH_PARAMETERS = [
    _single("q", "Suchtext", {"type": "string", "maxLength": MAX_QUERY_LENGTH, "pattern": TEXT_PATTERN}),
    _listed("topic", "Thema als Slug oder Name", None, **{"x-vocabulary": "topic"}),
    _listed("size_class", "Größenklasse", list(SizeClass.values)),
    _listed("state", "Bundesland: Name oder zweistelliger Schlüssel", [v for s in State for v in (s.value, s.label)]),
    _listed("status", "Stand des Vorhabens", list(SolutionStatus.values)),
    _single(
        "proven",
        "1, true oder ja: nur bewährte Praxisbeispiele (mindestens eine übernehmende Kommune im Betrieb); "
        "0, false, nein oder leer: alle (Groß- und Kleinschreibung egal)",
        {"type": "string", "pattern": PROVEN_PATTERN},
    ),
    _single(
        "near",
        "AGS der fragenden Kommune: Fälle aus ähnlichen Kommunen zuerst",
        {
            "type": "string",
            "pattern": f"^({AGS_PATTERN.strip('^$')})?$",
        },
    ),
    _single(
        "mode",
        "Ranking; leer: hybrid",
        {"type": "string", "enum": ["", *(m.value for m in Mode)], "default": Mode.HYBRID.value},
    ),
    _single(
        "page",
        "Seite; eine Seite hinter dem letzten Treffer ist 404",
        {
            "type": "integer",
            "minimum": 1,
            "maximum": MAX_PAGE,
            "default": 1,
        },
    ),
    _single(
        "page_size",
        "Treffer je Seite",
        {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": DEFAULT_PAGE_SIZE},
    ),
]


def result_json(result: SearchResult) -> dict:
    return {
        "count": result.total,
        "fitting": result.fitting,
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
                "weak": h.weak,
                "adoptions": h.adoptions,
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
    response=responses(SearchOut, 404),
    summary="Praxisbeispiele suchen",
    description="Parameter: q, topic (Slug oder Name, mehrfach), size_class, state (Name oder Schlüssel), "
    "status, proven (1/true/ja: nur bewährte), near (AGS), mode (hybrid|lexical|semantic), page, page_size.",
    openapi_extra={"parameters": SEARCH_PARAMETERS},
)
def search_solutions(request: HttpRequest):
    query = _query(request)
    result = search(query)
    pages = max(1, -(-result.total // query.page_size))
    if query.page > pages:
        raise ApiError(404, "page_out_of_range", f"Seite {query.page} gibt es nicht; es gibt {pages} Seite(n).")
    return result_json(result)


@router.get("/suggest/", response=responses(SuggestOut), summary="Vorschläge während der Eingabe")
def suggest(
    request: HttpRequest,
    q: Annotated[str, documented("Eingabe bisher", maxLength=SUGGEST_MAX_LENGTH, pattern=NO_NUL_PATTERN)] = "",
):
    if len(q) > SUGGEST_MAX_LENGTH:
        raise ApiError(400, "query_too_long", f"q darf höchstens {SUGGEST_MAX_LENGTH} Zeichen lang sein.")
    return suggestions(q)
