from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from core.api_errors import ApiError
from matching.peers import peers_list
from matching.services import hospitation_hosts, suppliers_list
from municipalities.api import municipality_or_error
from municipalities.text import fold
from solutions.models import SolutionPage, Topic

router = Router(tags=["Matching"])
MAX_LIMIT = 50


class LimitParams(Schema):
    limit: int = Field(10, ge=1, le=MAX_LIMIT)


class HostParams(LimitParams):
    topic: str = ""
    solution: str = ""


class SupplierParams(LimitParams):
    topic: str = ""


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


@router.get("/municipalities/{ags}/peers/", summary="Kommunen wie wir")
def peers(request: HttpRequest, ags: str, params: Query[LimitParams]):
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
            for p in peers_list(municipality, params.limit)
        ],
    }


@router.get("/municipalities/{ags}/hospitation-hosts/", summary="Gastgeber für Hospitationen")
def hosts(request: HttpRequest, ags: str, params: Query[HostParams]):
    municipality = municipality_or_error(ags)
    topic = _topic_slug(params.topic)
    if params.solution and not SolutionPage.objects.live().filter(slug=params.solution[:255]).exists():
        raise ApiError(404, "not_found", f"Kein veröffentlichtes Praxisbeispiel „{params.solution[:80]}“.")
    matches = hospitation_hosts(municipality, topic=topic, solution=params.solution or None, limit=params.limit)
    return {"municipality": _head(municipality), "results": [m.as_dict() for m in matches]}


@router.get("/municipalities/{ags}/suppliers/", summary="Anbieter mit Referenzen in ähnlichen Kommunen")
def suppliers(request: HttpRequest, ags: str, params: Query[SupplierParams]):
    municipality = municipality_or_error(ags)
    matches = suppliers_list(municipality, topic=_topic_slug(params.topic), limit=params.limit)
    return {"municipality": _head(municipality), "results": [m.as_dict() for m in matches]}
