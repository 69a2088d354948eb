from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Router, Schema
from pydantic import BaseModel, ConfigDict

from core.api_errors import ApiError
from core.api_schema import documented, responses
from municipalities.size_classes import SizeClass
from solutions.choices import AdoptionStatus
from solutions.exchange import solution_to_record
from solutions.selectors import solution_all_size_classes, solution_detail_queryset
from solutions.transfer import TransferRecord, transfer_record

router = Router(tags=["Praxisbeispiele"])


class Teacher(Schema):
    ags: str
    name: str


class Adopter(Schema):
    ags: str
    name: str
    size_class: SizeClass = Field(..., description="Größenklasse nach Einwohnerzahl (Slug)")
    year: int | None = Field(..., description="seit wann")
    status: AdoptionStatus
    learned_from: Teacher | None = Field(
        ..., description="von welcher Kommune des Praxisbeispiels gelernt; null: über die Plattform oder unbekannt"
    )


class Adoption(Schema):
    count: int = Field(..., description="übernehmende Kommunen ohne die federführende")
    in_operation: int = Field(..., description="davon im Betrieb oder abgeschlossen")
    pilot: int
    planned: int
    stopped: int = Field(..., description="davon abgebrochen")
    by_size_class: dict[str, int] = Field(..., description="übernehmende Kommunen je Größenklasse (Slug)")
    depth: int = Field(..., description="längste Kette „gelernt von“ ab der federführenden Kommune")
    adopters: list[Adopter]


class SolutionOut(BaseModel):
    """The exchange format's keys (documented by export_solutions) and, described here, ``adoption``. A plain
    pydantic model: ninja's Schema reads objects through attribute getters and drops keys it does not declare."""

    model_config = ConfigDict(extra="allow")

    adoption: Adoption


@router.get(
    "/solutions/{slug}/",
    response=responses(SolutionOut, 404),
    summary="Ein Praxisbeispiel, vollständig",
    description="Die Felder des Austauschformats (wie export_solutions) und url, size_classes, municipality, "
    "eur_per_inhabitant, last_confirmed, adoption (Übernahmen durch andere Kommunen: count ohne die federführende "
    "Kommune, in_operation zählt im Betrieb und abgeschlossen, depth = längste Kette „gelernt von“); contact nur "
    "mit Einwilligung der Person, sonst null. Ein Abbruchgrund (adopters[].stopped_reason) erscheint nur, wenn "
    "die Redaktion ihn veröffentlicht hat, sonst null.",
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
    # The reason a town gave up is the editors' until they publish it.
    reasons = {a.municipality.ags: a.public_stopped_reason for a in page.adopters.all()}
    for adopter in record["adopters"]:
        adopter["stopped_reason"] = reasons.get(adopter["ags"]) or None
        adopter.pop("stopped_reason_public", None)
    lead = page.lead_municipality
    return {
        **record,
        "url": page.url,
        "size_classes": solution_all_size_classes(page),
        "municipality": {"ags": lead.ags, "name": lead.name, "state": lead.state_name} if lead else None,
        "eur_per_inhabitant": float(page.eur_per_inhabitant) if page.eur_per_inhabitant is not None else None,
        "last_confirmed": page.last_confirmed.isoformat() if page.last_confirmed else None,
        "adoption": adoption_json(transfer_record(page)),
    }


def adoption_json(record: TransferRecord) -> dict:
    """``adoption`` of the case API (PRODUCT.md): the transfer record, adopters without the lead town."""
    return {
        "count": record.count,
        "in_operation": record.in_operation,
        "pilot": record.pilot,
        "planned": record.planned,
        "stopped": record.stopped,
        "by_size_class": record.by_size_class,
        "depth": record.depth,
        "adopters": [
            {
                "ags": e.ags,
                "name": e.name,
                "size_class": e.size_class,
                "year": e.year,
                "status": e.status,
                "learned_from": (
                    {"ags": e.learned_from_ags, "name": e.learned_from_name} if e.learned_from_ags else None
                ),
            }
            for e in record.adopters
        ],
    }
