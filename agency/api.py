"""The needs of the Matching-Agentur in the public API: lists, one need, its matches, a town's needs.
Only public needs (``agency.selectors.needs_public``) and never a person: no author, no contact."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import Truncator
from ninja import Field, Query, Router, Schema

from agency.matches import need_matches
from agency.models import Need, NeedKind
from agency.selectors import need_by_ref, needs_filtered, needs_of_town, topic_from_input
from core.api_errors import ApiError
from core.api_schema import DEFAULT_PAGE_SIZE, MAX_PAGE, MAX_PAGE_SIZE, Ags, documented, responses
from municipalities.api import municipality_or_error
from municipalities.models import Municipality
from municipalities.size_classes import SizeClass
from municipalities.states import State, state_from_input
from solutions.models import Topic

router = Router(tags=["Matching-Agentur"])

REF_PATTERN = r"^[-a-zA-Z0-9_]{1,80}$"  # Need.ref is a SlugField of at most 80 characters
SUMMARY_CHARS = 200

NeedRef = Annotated[str, documented("Kennung des Gesuchs (Buchstaben, Ziffern, -, _)", pattern=REF_PATTERN)]


class PageParams(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE, description="Seite; eine Seite hinter dem letzten Gesuch ist 404")
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Gesuche je Seite")


class NeedListParams(PageParams):
    # The topic vocabulary lives in the database; config/api.py puts the current slugs into the schema.
    topic: str = Field(
        "", description="Thema als Slug oder Name; leer: alle Themen", json_schema_extra={"x-vocabulary": "topic"}
    )
    state: str = Field(
        "",
        description="Bundesland als zweistelliger Schlüssel (z. B. 15) oder Name; leer: alle",
        json_schema_extra={"enum": ["", *(v for s in State for v in (s.value, s.label))]},
    )
    size_class: str = Field(
        "", description="Größenklasse der Kommune; leer: alle", json_schema_extra={"enum": ["", *SizeClass.values]}
    )
    kind: str = Field(
        "",
        description="Art: loesung (Lösung gesucht), partner (Partner gesucht), anbieter (Anbieter gesucht); leer: alle",
        json_schema_extra={"enum": ["", *NeedKind.values]},
    )


class NeedTown(Schema):
    ags: str
    name: str
    state: str = Field(..., description="Name des Bundeslands")
    size_class: str = Field(..., description="Größenklasse (Slug)")


class NeedOut(Schema):
    ref: str
    title: str
    summary: str = Field(..., description="Anfang der Beschreibung")
    kind: str = Field(..., description="loesung, partner oder anbieter")
    topics: list[str] = Field(..., description="Themen (Slugs)")
    municipality: NeedTown
    radius_km: int | None = Field(..., description="Umkreis für Partner in km (nur bei Partnersuche)")
    created: dt.date
    expires: dt.date = Field(..., description="letzter Tag, an dem das Gesuch gezeigt wird")


class NeedDetail(NeedOut):
    description: str


class NeedList(Schema):
    count: int
    results: list[NeedOut]


class TownNeedList(NeedList):
    municipality: NeedTown


class CaseOut(Schema):
    slug: str
    title: str
    score: float
    reasons: list[str]


class TownOut(Schema):
    ags: str
    name: str
    state: str
    size_class: str
    similarity: float = Field(..., description="Ähnlichkeit zur Kommune des Gesuchs, 0 bis 1")
    distance_km: float | None
    cases: list[str] = Field(..., description="passende Praxisbeispiele, die sie führt oder übernommen hat (Slugs)")
    reasons: list[str]


class PartnerTown(Schema):
    ags: str
    name: str


class PartnerOut(Schema):
    ref: str
    title: str
    municipality: PartnerTown
    distance_km: float
    reasons: list[str]


class SupplierOut(Schema):
    name: str
    slug: str
    references: list[str] = Field(..., description="Praxisbeispiele (Slugs), die den Anbieter nennen")
    reasons: list[str]


class MatchesOut(Schema):
    need: NeedOut
    cases: list[CaseOut]
    towns: list[TownOut]
    partners: list[PartnerOut]
    suppliers: list[SupplierOut]


def _town(m: Municipality) -> dict:
    return {"ags": m.ags, "name": m.name, "state": m.state_name, "size_class": m.size_class}


def need_json(need: Need) -> dict:
    """A need as the API shows it: the town and the text, never who posted it."""
    return {
        "ref": need.ref,
        "title": need.title,
        "summary": Truncator(" ".join(need.description.split())).chars(SUMMARY_CHARS),
        "kind": need.kind,
        "topics": [t.slug for t in need.topics.all()],
        "municipality": _town(need.municipality),
        "radius_km": need.radius_km,
        "created": timezone.localdate(need.created_at),
        "expires": need.expires,
    }


def _page(needs, params: PageParams) -> dict:
    count = needs.count()
    start = (params.page - 1) * params.page_size
    if start and start >= count:
        raise ApiError(404, "page_out_of_range", f"Seite {params.page} gibt es nicht ({count} Gesuche).")
    return {"count": count, "results": [need_json(n) for n in needs[start : start + params.page_size]]}


def _choice(name: str, value: str, valid: list[str]) -> str | None:
    if value and value not in valid:
        raise ApiError(
            400, f"unknown_{name}", f"Unbekannter Wert „{value[:60]}“ für „{name}“. Gültig: {', '.join(valid)}."
        )
    return value or None


def _need_or_error(ref: str) -> Need:
    if not re.match(REF_PATTERN, ref):
        raise ApiError(400, "invalid_ref", f"„{ref[:40]}“ ist keine Kennung eines Gesuchs (a–z, 0–9, -, _).")
    need = need_by_ref(ref)
    if need is None:
        raise ApiError(404, "not_found", f"Kein öffentliches Gesuch mit der Kennung „{ref}“.")
    return need


@router.get("/needs/", response=responses(NeedList, 404), summary="Gesuche der Kommunen")
def list_needs(request: HttpRequest, params: Query[NeedListParams]):
    topic = None
    if params.topic:
        topic = topic_from_input(params.topic)
        if topic is None:
            valid = ", ".join(Topic.objects.order_by("slug").values_list("slug", flat=True))
            raise ApiError(400, "unknown_topic", f"Unbekanntes Thema „{params.topic[:60]}“. Gültig: {valid}.")
    state = None
    if params.state:
        land = state_from_input(params.state)
        if land is None:
            valid = ", ".join(f"{s.value} ({s.label})" for s in State)
            raise ApiError(400, "unknown_state", f"Unbekanntes Bundesland „{params.state[:60]}“. Gültig: {valid}.")
        state = land.value
    needs = needs_filtered(
        topic=topic,
        state=state,
        size_class=_choice("size_class", params.size_class, list(SizeClass.values)),
        kind=_choice("kind", params.kind, list(NeedKind.values)),
    )
    return _page(needs, params)


@router.get("/needs/{ref}/", response=responses(NeedDetail, 404), summary="Ein Gesuch")
def get_need(request: HttpRequest, ref: NeedRef):
    need = _need_or_error(ref)
    return {**need_json(need), "description": need.description}


@router.get(
    "/needs/{ref}/matches/",
    response=responses(MatchesOut, 404),
    summary="Was zu einem Gesuch passt",
    description="Praxisbeispiele, Kommunen, die es gelöst haben, Partner in der Nähe (bei Partnersuche) und "
    "Anbieter, jeweils mit Gründen.",
)
def get_need_matches(request: HttpRequest, ref: NeedRef):
    need = _need_or_error(ref)
    matches = need_matches(need)
    return {
        "need": need_json(need),
        "cases": [{"slug": c.slug, "title": c.title, "score": c.score, "reasons": c.reasons} for c in matches.cases],
        "towns": [
            {
                **_town(t.municipality),
                "similarity": t.similarity,
                "distance_km": t.distance_km,
                "cases": [c.slug for c in t.cases],
                "reasons": t.reasons,
            }
            for t in matches.towns
        ],
        "partners": [
            {
                "ref": p.need.ref,
                "title": p.need.title,
                "municipality": {"ags": p.need.municipality.ags, "name": p.need.municipality.name},
                "distance_km": p.distance_km,
                "reasons": p.reasons,
            }
            for p in matches.partners
        ],
        "suppliers": [
            {"name": s.name, "slug": s.slug, "references": s.references, "reasons": s.reasons}
            for s in matches.suppliers
        ],
    }


@router.get("/municipalities/{ags}/needs/", response=responses(TownNeedList, 404), summary="Gesuche einer Kommune")
def town_needs(request: HttpRequest, ags: Ags, params: Query[PageParams]):
    municipality = municipality_or_error(ags)
    return {"municipality": _town(municipality), **_page(needs_of_town(municipality), params)}
