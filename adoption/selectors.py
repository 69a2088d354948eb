"""Reads of the adoption workflow: a town's plans („Unsere Vorhaben“) and the stopped adoptions for the editors."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from adoption.models import AdoptionEvent, AdoptionPlan, EventVia
from solutions.choices import AdoptionStatus
from solutions.models import SolutionAdopter

# The editors' dashboard panel shows stopped adoptions of the last weeks whose reason is not published yet.
NEW_STOPPED_DAYS = 30


@dataclass(frozen=True)
class PlanRow:
    plan: AdoptionPlan
    status: str | None  # None: the editors took the town off the case
    status_label: str
    page_url: str


def plans_of_town(municipality_id: int) -> list[PlanRow]:
    """„Unsere Vorhaben“: the town's plans, newest declaration first, with their current status."""
    plans = list(
        AdoptionPlan.objects.filter(municipality_id=municipality_id, page__live=True)
        .select_related("page")
        .order_by("-declared_at", "-pk")
    )
    statuses = dict(
        SolutionAdopter.objects.filter(
            municipality_id=municipality_id, page_id__in=[p.page_id for p in plans]
        ).values_list("page_id", "status")
    )
    rows = []
    for plan in plans:
        status = statuses.get(plan.page_id)
        label = str(AdoptionStatus(status).label) if status else "von der Redaktion entfernt"
        rows.append(PlanRow(plan=plan, status=status, status_label=label, page_url=plan.page.url or ""))
    return rows


def stopped_adoptions() -> QuerySet[SolutionAdopter]:
    """Every stopped adoption on a live case, for the editors' list „Abbruchgründe“."""
    return (
        SolutionAdopter.objects.filter(status=AdoptionStatus.STOPPED, page__live=True)
        .select_related("page", "municipality")
        .order_by("-pk")
    )


def stopped_dates(rows: list[SolutionAdopter]) -> dict[int, dt.datetime]:
    """When each stopped adoption was stopped (the latest „abgebrochen“ step of its plan), by adopter id."""
    keys = {(r.page_id, r.municipality_id): r.pk for r in rows}
    found: dict[int, dt.datetime] = {}
    # The town's own „abgebrochen“ step; the editors' publishing is a step with the same status.
    events = (
        AdoptionEvent.objects.filter(status=AdoptionStatus.STOPPED, plan__page_id__in={k[0] for k in keys})
        .exclude(via=EventVia.EDITOR)
        .values_list("plan__page_id", "plan__municipality_id", "at")
    )
    for page_id, town_id, at in events:
        pk = keys.get((page_id, town_id))
        if pk is not None and (pk not in found or at > found[pk]):
            found[pk] = at
    return found


def stopped_new(now: dt.datetime | None = None) -> list[SolutionAdopter]:
    """Stopped adoptions of the last NEW_STOPPED_DAYS with a reason the editors have not published."""
    since = (now or timezone.now()) - dt.timedelta(days=NEW_STOPPED_DAYS)
    rows = list(stopped_adoptions().filter(stopped_reason_public=False).exclude(stopped_reason=""))
    dates = stopped_dates(rows)
    return [r for r in rows if r.pk in dates and dates[r.pk] >= since]
