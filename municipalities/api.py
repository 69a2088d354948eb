from __future__ import annotations

import datetime as dt
import re

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from core.api_errors import ApiError
from core.api_schema import DEFAULT_PAGE_SIZE, MAX_PAGE, MAX_PAGE_SIZE, TEXT_PATTERN, Ags, responses
from municipalities.models import Municipality
from municipalities.selectors import AGS_PATTERN, municipality_get, municipality_search

router = Router(tags=["Kommunen"])

MAX_QUERY_LENGTH = 100


class MunicipalityRef(Schema):
    ags: str
    name: str
    state: str


class MunicipalityListItem(Schema):
    ags: str
    name: str
    official_name: str
    state: str
    state_code: str
    district: str
    population: int
    size_class: str
    url: str


class MunicipalityList(Schema):
    count: int
    results: list[MunicipalityListItem]


class MunicipalityDetail(MunicipalityListItem):
    municipality_type: str
    association: str
    population_date: dt.date | None
    area_km2: float | None
    density: int | None
    lat: float | None
    lon: float | None
    size_subclass: str
    urbanisation: str
    ortsteile_count: int | None


class ListParams(Schema):
    q: str = Field(
        "",
        description="Name oder Namensanfang; Umlaute dürfen ausgeschrieben werden",
        max_length=MAX_QUERY_LENGTH,
        pattern=TEXT_PATTERN,
    )
    page: int = Field(1, ge=1, le=MAX_PAGE, description="Seite; eine Seite hinter dem letzten Treffer ist 404")
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


def _list_item(m: Municipality) -> dict:
    return {
        "ags": m.ags,
        "name": m.name,
        "official_name": m.official_name,
        "state": m.state_name,
        "state_code": m.state,
        "district": m.district_name,
        "population": m.population,
        "size_class": m.size_class,
        "url": m.get_absolute_url(),
    }


def _detail(m: Municipality) -> dict:
    return {
        **_list_item(m),
        "municipality_type": m.municipality_type,
        "association": m.association_name,
        "population_date": m.population_date,
        "area_km2": float(m.area_km2) if m.area_km2 is not None else None,
        "density": m.density,
        "lat": m.lat,
        "lon": m.lon,
        "size_subclass": m.size_subclass,
        "urbanisation": m.get_urbanisation_display() if m.urbanisation else "",
        "ortsteile_count": m.ortsteile_count,
    }


def municipality_or_error(ags: str) -> Municipality:
    """Every endpoint with an AGS in its path resolves it here: 400 if malformed, 404 if unknown."""
    if not re.match(AGS_PATTERN, ags):
        raise ApiError(400, "invalid_ags", f"„{ags[:20]}“ ist kein Gemeindeschlüssel: erwartet werden 8 Ziffern.")
    municipality = municipality_get(ags)
    if municipality is None:
        raise ApiError(404, "not_found", f"Keine Kommune mit dem Gemeindeschlüssel {ags}.")
    return municipality


@router.get("/", response=responses(MunicipalityList, 404), summary="Kommunen nach Namen suchen")
def list_municipalities(request: HttpRequest, params: Query[ListParams]):
    if len(params.q) > MAX_QUERY_LENGTH:
        raise ApiError(400, "invalid_parameter", f"q darf höchstens {MAX_QUERY_LENGTH} Zeichen lang sein.")
    queryset = municipality_search(params.q)
    count = queryset.count()
    start = (params.page - 1) * params.page_size
    if start and start >= count:
        raise ApiError(404, "page_out_of_range", f"Seite {params.page} gibt es nicht ({count} Treffer).")
    results = [_list_item(m) for m in queryset[start : start + params.page_size]]
    return {"count": count, "results": results}


@router.get("/{ags}/", response=responses(MunicipalityDetail, 404), summary="Eine Kommune")
def get_municipality(request: HttpRequest, ags: Ags):
    return _detail(municipality_or_error(ags))
