"""The figures of the impact page „Wirkung“ in the public API: /api/v1/impact/ as JSON and /api/v1/impact.csv
as a long table for spreadsheets. Both read the same snapshot as the page (``pages.impact.impact_current``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Router, Schema

from core.api_schema import ErrorOut, responses
from pages.impact import CSV_HEADER, impact_csv, impact_current

router = Router(tags=["Wirkung"])


class BarOut(Schema):
    key: str = Field(
        ...,
        description="Stabiler Schlüssel: Status, Jahr (oder „unbekannt“), Themen-Slug, "
        "Größenklassen-Slug oder zweistelliger Länderschlüssel",
    )
    label: str = Field(..., description="Bezeichnung auf Deutsch")
    count: int = Field(..., description="Zahl der Übernahmen")


class ReachedOperationOut(Schema):
    count: int = Field(..., description="Übernahmen im Betrieb oder abgeschlossen")
    of: int = Field(..., description="alle Übernahmen, geplante, Pilotphase und abgebrochene eingeschlossen")
    share: float | None = Field(..., description="count / of (0 bis 1); null, solange es keine Übernahme gibt")


class TownOut(Schema):
    ags: str
    name: str
    state: str = Field(..., description="Name des Bundeslands")


class TravelledOut(Schema):
    slug: str
    title: str
    url: str
    municipality: TownOut | None = Field(..., description="federführende Kommune; null bei einem Ansatz ohne")
    count: int = Field(..., description="übernehmende Kommunen außer der federführenden")
    depth: int = Field(..., description="längste Kette „gelernt von“ ab der federführenden Kommune")
    in_operation: int = Field(..., description="davon im Betrieb oder abgeschlossen")
    is_sample: bool = Field(..., description="mindestens eine Übernahme sind Beispieldaten")


class ImpactOut(Schema):
    computed_at: str = Field(..., description="Stand der Zahlen (ISO 8601); höchstens einen Tag alt")
    solutions_total: int = Field(..., description="veröffentlichte Praxisbeispiele")
    solutions_travelled: int = Field(..., description="Praxisbeispiele mit mindestens einer übernehmenden Kommune")
    adoptions: int = Field(..., description="Übernahmen insgesamt (ohne Einträge der federführenden Kommune)")
    reached_operation: ReachedOperationOut
    sample_adoptions: int = Field(..., description="davon Beispieldaten (erfunden für die Demo)")
    by_status: list[BarOut] = Field(..., description="je Stand: planned, pilot, in_operation, completed, stopped")
    per_year: list[BarOut] = Field(..., description="je Jahr des Beginns, lückenlos; zuletzt „unbekannt“")
    by_topic: list[BarOut] = Field(..., description="je Thema des Praxisbeispiels (nur Themen mit Übernahmen)")
    by_size_class: list[BarOut] = Field(..., description="je Größenklasse der übernehmenden Kommune (alle vier)")
    by_state: list[BarOut] = Field(..., description="je Land der übernehmenden Kommune (alle 16, nach Schlüssel)")
    travelled_furthest: list[TravelledOut] = Field(
        ..., description="die 10 Lösungen mit den meisten Übernahmen, bei Gleichstand die mit der längeren Kette zuerst"
    )
    page_url: str = Field(..., description="die Seite „Wirkung“")
    csv_url: str = Field(..., description="dieselben Zahlen als CSV")


@router.get(
    "/impact/",
    response=responses(ImpactOut),
    url_name="impact",
    summary="Wirkung: wie weit die Lösungen gereist sind",
    description="Die Zahlen der Seite „Wirkung“ (/wirkung/): gereiste Lösungen, Übernahmen nach Stand, Jahr, "
    "Thema, Größenklasse und Land, die am weitesten gereisten Lösungen und der Anteil, der den Betrieb erreicht "
    "hat. Höchstens einen Tag alt.",
)
def get_impact(request: HttpRequest):
    from pages.models import ImpactPage

    figures = impact_current()
    data = figures.to_json()
    data["computed_at"] = timezone.localtime(figures.computed_at).isoformat()
    data["reached_operation"] = {
        "count": figures.reached_operation,
        "of": figures.adoptions,
        "share": round(figures.operation_share, 4) if figures.operation_share is not None else None,
    }
    data["travelled_furthest"] = [
        {
            **{k: case[k] for k in ("slug", "title", "url", "count", "depth", "in_operation", "is_sample")},
            "municipality": {"ags": case["lead_ags"], "name": case["lead_name"], "state": case["lead_state"]}
            if case["lead_ags"]
            else None,
        }
        for case in data["travelled_furthest"]
    ]
    page = ImpactPage.objects.live().public().first()
    data["page_url"] = (page.get_url(request) or "") if page else ""
    data["csv_url"] = "/api/v1/impact.csv"
    return data


CSV_DESCRIPTION = (
    "Eine Zeile je Wert mit den Spalten " + ", ".join(CSV_HEADER) + " (UTF-8 mit BOM, Semikolon als Trennzeichen "
    "wie in den CSV-Dateien von Destatis, damit ein deutsches Excel die Spalten direkt trennt). "
    "Alle Werte sind ganze Zahlen (der Anteil in Prozent, gerundet), nur computed_at ist ein Zeitpunkt."
)


@router.get(
    "/impact.csv",
    response={400: ErrorOut},
    url_name="impact_csv",
    summary="Wirkung als CSV-Tabelle",
    description=CSV_DESCRIPTION,
    openapi_extra={
        "responses": {"200": {"description": "CSV-Tabelle", "content": {"text/csv": {"schema": {"type": "string"}}}}}
    },
)
def get_impact_csv(request: HttpRequest):
    figures = impact_current()
    # The BOM makes Excel read the file as UTF-8 (umlauts in the labels); other programs skip it.
    response = HttpResponse("\ufeff" + impact_csv(figures), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime(figures.computed_at).strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="wirkung-{stamp}.csv"'
    return response
