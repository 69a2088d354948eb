from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from core.api_errors import ApiError
from core.api_schema import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, TEXT_PATTERN, Ags, responses
from matching.peers import peers_list
from matching.services import hospitation_hosts, suppliers_list
from municipalities.api import municipality_or_error
from municipalities.text import fold
from solutions.models import SolutionPage, Topic

router = Router(tags=["Matching"])

# The topic vocabulary lives in the database; config/api.py puts the current slugs into the schema.
TOPIC_FIELD = Field(
    "",
    description="Thema als Slug oder Name; leer: alle Themen",
    json_schema_extra={"x-vocabulary": "topic"},
)


class LimitParams(Schema):
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Höchstzahl der Ergebnisse")


class PeerParams(LimitParams):
    has_cases: bool = Field(
        False, description="true: nur Kommunen mit veröffentlichten Praxisbeispielen (federführend oder übernommen)"
    )


class HostParams(LimitParams):
    topic: str = TOPIC_FIELD
    solution: str = Field(
        "", description="Slug eines Praxisbeispiels; unbekannt: 404", max_length=255, pattern=TEXT_PATTERN
    )


class SupplierParams(LimitParams):
    topic: str = TOPIC_FIELD


class MunicipalityHead(Schema):
    ags: str
    name: str
    state: str
    population: int
    size_class: str


class Peer(MunicipalityHead):
    similarity: float
    reasons: list[str]


class PeerList(Schema):
    municipality: MunicipalityHead
    results: list[Peer]


class SolutionRef(Schema):
    slug: str
    title: str
    url: str


class Host(Schema):
    ags: str
    name: str
    state: str
    url: str
    solution: SolutionRef
    distance_km: float | None
    similarity: float
    capacity_left: int
    score: float
    reasons: list[str]


class HostList(Schema):
    municipality: MunicipalityHead
    results: list[Host]


class Supplier(Schema):
    name: str
    slug: str
    website: str
    url: str
    score: float
    references: list[dict]
    reasons: list[str]


class SupplierList(Schema):
    municipality: MunicipalityHead
    results: list[Supplier]


def _topic_slug(value: str) -> str | None:
    if not value:
        return None
    for slug, name in Topic.objects.values_list("slug", "name"):
        if value in (slug, name) or fold(value) == fold(name):
            return slug
    valid = ", ".join(Topic.objects.order_by("slug").values_list("slug", flat=True))
    raise ApiError(400, "unknown_topic", f"Unbekanntes Thema „{value[:60]}“. Gültig: {valid}.")


def _head(m) -> dict:
    return {"ags": m.ags, "name": m.name, "state": m.state_name, "population": m.population, "size_class": m.size_class}


@router.get("/municipalities/{ags}/peers/", response=responses(PeerList, 404), summary="Kommunen wie wir")
def peers(request: HttpRequest, ags: Ags, params: Query[PeerParams]):
    municipality = municipality_or_error(ags)
    return {
        "municipality": _head(municipality),
        "results": [
            {
                "ags": p.ags,
                "name": p.name,
                "state": p.state,
                "population": p.population,
                "size_class": p.size_class,
                "similarity": p.similarity,
                "reasons": p.reasons,
            }
            for p in peers_list(municipality, params.limit, has_cases=params.has_cases)
        ],
    }


@router.get(
    "/municipalities/{ags}/hospitation-hosts/", response=responses(HostList, 404), summary="Gastgeber für Hospitationen"
)
def hosts(request: HttpRequest, ags: Ags, params: Query[HostParams]):
    municipality = municipality_or_error(ags)
    topic = _topic_slug(params.topic)
    if params.solution and not SolutionPage.objects.live().filter(slug=params.solution[:255]).exists():
        raise ApiError(404, "not_found", f"Kein veröffentlichtes Praxisbeispiel „{params.solution[:80]}“.")
    matches = hospitation_hosts(municipality, topic=topic, solution=params.solution or None, limit=params.limit)
    return {"municipality": _head(municipality), "results": [m.as_dict() for m in matches]}


@router.get(
    "/municipalities/{ags}/suppliers/",
    response=responses(SupplierList, 404),
    summary="Anbieter mit Referenzen in ähnlichen Kommunen",
)
def suppliers(request: HttpRequest, ags: Ags, params: Query[SupplierParams]):
    municipality = municipality_or_error(ags)
    matches = suppliers_list(municipality, topic=_topic_slug(params.topic), limit=params.limit)
    return {"municipality": _head(municipality), "results": [m.as_dict() for m in matches]}
