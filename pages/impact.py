"""The figures of the public impact page „Wirkung“ (/wirkung/) and of /api/v1/impact/: how far the solutions
on the platform travel.

Every figure is read from the adopters of live, public cases through ``solutions.transfer.transfer_record_from_rows``
(the one reading of adopters the case page and its API use too): an *adoption* is an adopter row of a town
other than the lead town; a solution *travelled* when it has at least one adoption. ``impact_figures``
computes everything in one pass; ``impact_current`` serves a stored snapshot that is at most a day old.

Why a snapshot table and not the cache: in production the cache is a file cache private to each container,
so a snapshot the worker (``refresh_impact``) computes there would never reach the web container; a row is
shared by every process, survives restarts, and its ``computed_at`` is the „Stand“ everybody sees.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from django.apps import apps
from django.db import DatabaseError, transaction
from django.utils import timezone

from municipalities.size_classes import SIZE_CLASS_ORDER
from municipalities.states import State
from solutions.choices import OPERATING_STATUSES, AdoptionStatus
from solutions.models import SolutionAdopter, SolutionPage, TaggedSolution
from solutions.transfer import AdopterRow, Town, transfer_record_from_rows

logger = logging.getLogger(__name__)

MAX_AGE = dt.timedelta(hours=24)
TOP_TRAVELLED = 10
UNKNOWN_YEAR = "unbekannt"
# The statuses in the order an adoption runs through them; „abgebrochen“ last.
STATUS_ORDER = (
    AdoptionStatus.PLANNED,
    AdoptionStatus.PILOT,
    AdoptionStatus.IN_OPERATION,
    AdoptionStatus.COMPLETED,
    AdoptionStatus.STOPPED,
)


@dataclass(frozen=True)
class Bar:
    """One value of a breakdown: ``key`` is stable (slug, year, Land code), ``label`` is German."""

    key: str
    label: str
    count: int


@dataclass(frozen=True)
class TravelledCase:
    slug: str
    title: str
    url: str
    lead_ags: str | None
    lead_name: str | None
    lead_state: str | None
    count: int  # adopting towns besides the lead
    depth: int  # longest „learned from“ chain starting at the lead town
    in_operation: int  # of them in operation or completed
    is_sample: bool


@dataclass(frozen=True)
class ImpactFigures:
    computed_at: dt.datetime
    solutions_total: int
    solutions_travelled: int
    adoptions: int
    reached_operation: int
    sample_adoptions: int
    by_status: list[Bar] = field(default_factory=list)
    per_year: list[Bar] = field(default_factory=list)
    by_topic: list[Bar] = field(default_factory=list)
    by_size_class: list[Bar] = field(default_factory=list)
    by_state: list[Bar] = field(default_factory=list)  # all 16 Länder, by code
    travelled_furthest: list[TravelledCase] = field(default_factory=list)

    @property
    def operation_share(self) -> float | None:
        """Adoptions in operation or completed over all adoptions (planned and stopped ones included)."""
        return self.reached_operation / self.adoptions if self.adoptions else None

    @property
    def operation_percent(self) -> int | None:
        share = self.operation_share
        return None if share is None else round(share * 100)

    @property
    def is_sample(self) -> bool:
        return self.sample_adoptions > 0

    @property
    def status_counts(self) -> dict[str, int]:
        """Adoptions by status value (planned, pilot, in_operation, completed, stopped)."""
        return {bar.key: bar.count for bar in self.by_status}

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["computed_at"] = self.computed_at.isoformat()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ImpactFigures:
        bars = {
            name: [Bar(**bar) for bar in data.get(name, [])]
            for name in ("by_status", "per_year", "by_topic", "by_size_class", "by_state")
        }
        return cls(
            computed_at=dt.datetime.fromisoformat(data["computed_at"]),
            solutions_total=data["solutions_total"],
            solutions_travelled=data["solutions_travelled"],
            adoptions=data["adoptions"],
            reached_operation=data["reached_operation"],
            sample_adoptions=data["sample_adoptions"],
            travelled_furthest=[TravelledCase(**case) for case in data.get("travelled_furthest", [])],
            **bars,
        )


def _travelled_inputs():
    """The live public cases with adopters, their lead towns, adopter rows and topics — read as plain values in
    four queries (model instances for tens of thousands of adopters cost seconds; profiled on 10,000 cases)."""
    live = SolutionPage.objects.live().public()
    cases = live.filter(pk__in=SolutionAdopter.objects.values("page_id"))
    town = ("id", "ags", "name", "state", "size_class")
    pages = {}
    for pk, slug, title, *lead in cases.values_list(
        "pk", "slug", "title", *(f"lead_municipality__{f}" for f in town)
    ).order_by("pk"):
        pages[pk] = (slug, title, Town(*lead) if lead[0] is not None else None)
    rows: dict[int, list[AdopterRow]] = {pk: [] for pk in pages}
    adopters = SolutionAdopter.objects.filter(page_id__in=cases.values("pk")).order_by("page_id", "sort_order", "pk")
    for page_id, *values in adopters.values_list(
        "page_id", *(f"municipality__{f}" for f in town), "since_year", "status", "learned_from_id", "is_sample"
    ):
        if page_id in rows:  # a case published between the two reads is counted next time
            town_values, (year, status, learned_from_id, is_sample) = values[:5], values[5:]
            rows[page_id].append(AdopterRow(Town(*town_values), year, status, learned_from_id, is_sample=is_sample))
    topics: dict[int, list[tuple[str, str]]] = {pk: [] for pk in pages}
    for page_id, slug, name in TaggedSolution.objects.filter(content_object_id__in=cases.values("pk")).values_list(
        "content_object_id", "tag__slug", "tag__name"
    ):
        if page_id in topics:
            topics[page_id].append((slug, name))
    return pages, rows, topics


def impact_figures(now: dt.datetime | None = None) -> ImpactFigures:
    """All figures of the impact page, counted now from the live public cases."""
    statuses: dict[str, int] = dict.fromkeys(STATUS_ORDER, 0)
    years: dict[int | None, int] = {}
    topics: dict[str, list] = {}  # slug -> [name, count]
    sizes: dict[str, int] = {c.value: 0 for c in SIZE_CLASS_ORDER}
    states: dict[str, int] = dict.fromkeys(State.values, 0)
    travelled: list[tuple[int, TravelledCase]] = []  # with the page id, for the address of the ten shown
    adoptions = sample = 0
    labels = {s.value: str(s.label) for s in AdoptionStatus}
    pages, rows, page_topics = _travelled_inputs()
    for pk, (slug, title, lead) in pages.items():
        record = transfer_record_from_rows(lead, rows[pk], labels)
        if not record.count:  # only the lead town on its own case: nothing travelled
            continue
        adoptions += record.count
        for topic_slug, name in page_topics[pk]:
            topics.setdefault(topic_slug, [name, 0])[1] += record.count
        for entry in record.adopters:
            statuses[entry.status] = statuses.get(entry.status, 0) + 1
            years[entry.year] = years.get(entry.year, 0) + 1
            sizes[entry.size_class] = sizes.get(entry.size_class, 0) + 1
            if entry.state_code in states:
                states[entry.state_code] += 1
            sample += entry.is_sample
        travelled.append(
            (
                pk,
                TravelledCase(
                    slug=slug,
                    title=title,
                    url="",
                    lead_ags=lead.ags if lead else None,
                    lead_name=lead.name if lead else None,
                    lead_state=str(State(lead.state).label) if lead else None,
                    count=record.count,
                    depth=record.depth,
                    in_operation=record.in_operation,
                    is_sample=any(entry.is_sample for entry in record.adopters),
                ),
            )
        )
    travelled.sort(key=lambda item: (-item[1].count, -item[1].depth, item[1].title.casefold(), item[1].slug))
    return ImpactFigures(
        computed_at=now or timezone.now(),
        solutions_total=SolutionPage.objects.live().public().count(),
        solutions_travelled=len(travelled),
        adoptions=adoptions,
        reached_operation=sum(statuses[s] for s in OPERATING_STATUSES),
        sample_adoptions=sample,
        by_status=[Bar(s.value, str(s.label), statuses[s]) for s in STATUS_ORDER],
        per_year=_years(years),
        by_topic=[
            Bar(slug, name, count)
            for slug, (name, count) in sorted(topics.items(), key=lambda item: (-item[1][1], item[1][0].casefold()))
        ],
        by_size_class=[Bar(c.value, str(c.label), sizes[c.value]) for c in SIZE_CLASS_ORDER],
        by_state=[Bar(code, str(State(code).label), states[code]) for code in State.values],
        travelled_furthest=_with_addresses(travelled[:TOP_TRAVELLED]),
    )


def _with_addresses(cases: list[tuple[int, TravelledCase]]) -> list[TravelledCase]:
    """The page addresses of the cases shown, looked up for these few only: resolving one for each of
    thousands of travelled cases would cost more than the counting."""
    pages = SolutionPage.objects.in_bulk([pk for pk, _ in cases])
    return [replace(case, url=pages[pk].get_url() or "") for pk, case in cases]


def _years(years: dict[int | None, int]) -> list[Bar]:
    """Every year from the first to the last adoption (a year without one shows as 0, so the series does not
    skip silently), then the adoptions without a year."""
    known = [year for year in years if year is not None]
    bars = [Bar(str(y), str(y), years.get(y, 0)) for y in range(min(known), max(known) + 1)] if known else []
    if years.get(None):
        bars.append(Bar(UNKNOWN_YEAR, "Jahr unbekannt", years[None]))
    return bars


# --- the snapshot -------------------------------------------------------------------------------------------


def _snapshot_model():
    # Looked up by name: the page model (pages.models) calls this module, so importing it back would be a cycle.
    return apps.get_model("pages", "ImpactSnapshot")


def impact_snapshot_refresh(now: dt.datetime | None = None) -> ImpactFigures:
    """Computes the figures and stores them as the one snapshot (row 1). Two writers at once both compute;
    ``update_or_create`` locks the row, so the later one simply wins."""
    ImpactSnapshot = _snapshot_model()

    figures = impact_figures(now)
    with transaction.atomic():
        ImpactSnapshot.objects.update_or_create(
            pk=ImpactSnapshot.SINGLETON,
            defaults={"computed_at": figures.computed_at, "figures": figures.to_json()},
        )
    return figures


def impact_current(now: dt.datetime | None = None) -> ImpactFigures:
    """The stored figures, refreshed first when there are none or they are older than MAX_AGE (the worker
    normally refreshes them every hour; this is the fallback when it is not running). A failing refresh
    falls back to the older figures rather than failing the page."""
    ImpactSnapshot = _snapshot_model()

    now = now or timezone.now()
    snapshot = ImpactSnapshot.objects.filter(pk=ImpactSnapshot.SINGLETON).first()
    if snapshot is not None and now - snapshot.computed_at <= MAX_AGE:
        try:
            return ImpactFigures.from_json(snapshot.figures)
        except (KeyError, TypeError, ValueError):  # written by an older version: compute anew
            logger.warning("Wirkungszahlen im alten Format, werden neu berechnet")
    try:
        return impact_snapshot_refresh(now)
    except DatabaseError:
        if snapshot is None:
            raise
        logger.exception("Wirkungszahlen konnten nicht aufgefrischt werden; der ältere Stand wird gezeigt")
        return ImpactFigures.from_json(snapshot.figures)


# --- CSV ------------------------------------------------------------------------------------------------------

CSV_HEADER = ("figure", "key", "label", "value")
# A cell starting with one of these is read as a formula by spreadsheet programs (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def impact_csv_rows(figures: ImpactFigures) -> list[tuple[str, str, str, str]]:
    """The figures in long format, one value a row. Every value is a whole number (the share in per cent,
    rounded, next to the two counts it comes from), so no decimal separator can be misread by a German
    spreadsheet (0.5 as a date or 5); the only other value is the time of the figures, in ISO 8601."""
    rows: list[tuple[str, str, str, str]] = [
        ("computed_at", "", "Stand", figures.computed_at.astimezone(timezone.get_current_timezone()).isoformat()),
        ("solutions_total", "", "Veröffentlichte Praxisbeispiele", str(figures.solutions_total)),
        (
            "solutions_travelled",
            "",
            "Übernommene Lösungen (mindestens eine weitere Kommune)",
            str(figures.solutions_travelled),
        ),
        ("adoptions", "", "Übernahmen insgesamt", str(figures.adoptions)),
        ("reached_operation", "", "Übernahmen im Betrieb oder abgeschlossen", str(figures.reached_operation)),
        (
            "reached_operation_percent",
            "",
            "Anteil im Betrieb oder abgeschlossen an allen Übernahmen, in Prozent (gerundet)",
            "" if figures.operation_percent is None else str(figures.operation_percent),
        ),
        ("sample_adoptions", "", "davon Beispieldaten", str(figures.sample_adoptions)),
    ]
    for name in ("by_status", "per_year", "by_topic", "by_size_class", "by_state"):
        rows += [(name, bar.key, bar.label, str(bar.count)) for bar in getattr(figures, name)]
    for case in figures.travelled_furthest:
        rows.append(("travelled_furthest_count", case.slug, case.title, str(case.count)))
        rows.append(("travelled_furthest_depth", case.slug, case.title, str(case.depth)))
    return [(figure, key, _cell(label), value) for figure, key, label, value in rows]


CSV_DELIMITER = ";"


def impact_csv(figures: ImpactFigures) -> str:
    """The table as German spreadsheets open it: semicolons between the columns, as in Destatis' CSV files —
    a German Excel takes the comma for the decimal separator and put every row into column A. Values need no
    decimal separator at all (whole numbers, see ``impact_csv_rows``)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(impact_csv_rows(figures))
    return out.getvalue()
