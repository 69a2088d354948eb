from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Router

from core.api_errors import ApiError
from core.api_schema import documented, responses
from solutions.exchange import solution_to_record
from solutions.selectors import solution_all_size_classes, solution_detail_queryset

router = Router(tags=["Praxisbeispiele"])


@router.get(
    "/solutions/{slug}/",
    response=responses(dict[str, Any], 404),
    summary="Ein Praxisbeispiel, vollständig",
    description="Die Felder des Austauschformats (wie export_solutions) und url, size_classes, municipality, "
    "eur_per_inhabitant, last_confirmed; contact nur mit Einwilligung der Person, sonst null.",
)
def get_solution(
    request: HttpRequest,
    slug: Annotated[str, documented("Slug des Praxisbeispiels", pattern=r"^[^\x00]+$")],
):
    page = solution_detail_queryset().live().public().filter(slug=slug[:255]).first()
    if page is None:
        raise ApiError(404, "not_found", f"Kein veröffentlichtes Praxisbeispiel „{slug[:80]}“.")
    record = solution_to_record(page)
    if not page.contact_is_public:  # contact details only with the person's consent
        record["contact"] = None
    else:
        record["contact"].pop("consent", None)
    lead = page.lead_municipality
    return {
        **record,
        "url": page.url,
        "size_classes": solution_all_size_classes(page),
        "municipality": {"ags": lead.ags, "name": lead.name, "state": lead.state_name} if lead else None,
        "eur_per_inhabitant": float(page.eur_per_inhabitant) if page.eur_per_inhabitant is not None else None,
        "last_confirmed": page.last_confirmed.isoformat() if page.last_confirmed else None,
    }
