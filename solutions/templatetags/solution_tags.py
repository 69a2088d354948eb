"""What the case templates show besides a page's own fields. The page models stay free of reads: these
tags sit above ``solutions.selectors``, which in turn reads the models."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.db.models import QuerySet
from django.utils.translation import gettext

from municipalities.models import Municipality, MunicipalityMember
from municipalities.size_classes import SizeClass
from solutions.choices import AdoptionStatus
from solutions.diffusion import Diffusion, diffusion_layout
from solutions.models import SolutionAdopter, SolutionPage
from solutions.selectors import (
    ADOPTERS_PREFETCH,
    solution_hosts,
    solution_list,
    solution_prefetch_details,
    solution_size_classes,
)
from solutions.transfer import TransferEntry, TransferRecord, transfer_record, transfer_sentence

register = template.Library()


@register.filter
def number_de(value) -> str:
    """A figure as German texts write it, with at most two decimals and no trailing zeros: 62,5 · 1.234 ·
    0,25. ``floatformat:"-2g"`` prints 62,50 for 62.5, as if the town had measured to the hundredth. Anything
    that is not a number (outcome JSON typed by hand) is shown as it came."""
    if value is None or value == "" or isinstance(value, bool):
        return "" if value is None else str(value)
    try:
        number = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return str(value)
    if not number.is_finite():
        return str(value)
    text = f"{number.normalize():,f}"  # normalize drops trailing zeros; „f“ keeps 100 from becoming 1E+2
    return text.replace(",", "\u202f").replace(".", ",").replace("\u202f", ".")


SAMPLE_PREFIX = re.compile(r"^\s*Beispieldaten\s*[:–-]\s*", re.IGNORECASE)


@register.filter
def without_sample_label(text: str) -> str:
    """A sample row's text without its leading „Beispieldaten: “: the page shows that label as a badge
    next to the town already, and twice reads like a mistake. Only for rows marked ``is_sample``."""
    return SAMPLE_PREFIX.sub("", text or "", count=1)


@register.simple_tag
def solution_cards() -> QuerySet[SolutionPage]:
    """The published cases, newest first: the list page /praxisbeispiele/."""
    return solution_list()


@dataclass(frozen=True)
class SolutionDetails:
    runs_in: list[str]  # size classes (labels) of the towns where the case runs
    suitable_for: list[str]  # size classes (labels) the editors consider it suitable for
    hosts: list[Municipality]  # towns that receive visits, lead town first


@register.simple_tag
def solution_details(page: SolutionPage) -> SolutionDetails:
    """Loads what the case page shows onto the page Wagtail serves, with one query per relation."""
    solution_prefetch_details(page)
    return SolutionDetails(
        runs_in=[SizeClass(c).label for c in solution_size_classes(page)],
        suitable_for=[SizeClass(c).label for c in page.suitable_for_list],
        hosts=[host.municipality for host in solution_hosts(page)],
    )


@register.inclusion_tag("solutions/municipality_cases.html")
def municipality_cases(municipality: Municipality) -> dict:
    """The live cases a municipality leads or has adopted, and those it receives visits for."""
    # Two indexed id lookups instead of one OR over a join with DISTINCT, which PostgreSQL answers by
    # scanning every live case.
    adopted = SolutionAdopter.objects.filter(municipality=municipality).values_list("page_id", flat=True)
    led = SolutionPage.objects.filter(lead_municipality=municipality).values_list("pk", flat=True)
    cases = list(solution_list().filter(pk__in={*led, *adopted}).prefetch_related(ADOPTERS_PREFETCH))
    hosting = [case for case in cases if any(host.municipality.pk == municipality.pk for host in solution_hosts(case))]
    return {"cases": cases, "hosting": hosting, "municipality": municipality}


@dataclass(frozen=True)
class RunningTown:
    """A town under „Wo es läuft“: its transfer entry and what it published about its own run."""

    entry: TransferEntry
    url: str
    notes: str
    outcomes: list[dict]
    hosts_visits: bool


@dataclass(frozen=True)
class TransferEvidence:
    record: TransferRecord
    sentence: str  # „in 4 Kommunen übernommen – …; 2 davon in Ihrer Größenklasse“
    running: list[RunningTown]  # from the pilot on, in the editors' order
    stopped: list[TransferEntry]  # given up, with a reason the editors published
    diffusion: Diffusion | None
    member_town: Municipality | None  # the reader's town (approved member), for the size class and the button
    member_adopts: bool  # the reader's town is among the adopters already
    member_stopped: bool = False  # … and has given up: a new declaration starts it again

    @property
    def declare_label(self) -> str:
        """The button's words for the reader's town: a first declaration, an update, or a fresh start after
        „abgebrochen“ (the declaration form takes a stopped town as a new declaration)."""
        if self.member_stopped:
            return gettext("Erneut übernehmen")
        if self.member_adopts:
            return gettext("Unser Vorhaben aktualisieren")
        return gettext("Wir setzen das auch um")


def _member_town(request) -> Municipality | None:
    """The town an approved member acts for; None for everyone else. Read here, below the accounts app,
    through the register's own membership model."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    member = MunicipalityMember.objects.filter(user=user, approved=True).select_related("municipality").first()
    return member.municipality if member else None


@register.simple_tag(takes_context=True)
def transfer_evidence(context, page: SolutionPage) -> TransferEvidence:
    """How far the case has travelled, for its page: the transfer record and its sentence (with the size-class
    clause for a member's town), the towns where it runs, the published reasons of those that stopped, and the
    diffusion picture. Expects the adopters loaded (``solution_details`` does that)."""
    record = transfer_record(page)
    town = _member_town(context.get("request"))
    rows = {a.municipality.ags: a for a in page.adopters.all()}
    running = []
    for entry in record.running:
        row = rows[entry.ags]
        outcomes = [o for o in (row.outcomes or []) if isinstance(o, dict) and o.get("metric")]
        running.append(RunningTown(entry, row.municipality.get_absolute_url(), entry.notes, outcomes, row.hosts_visits))
    lead = page.lead_municipality
    return TransferEvidence(
        record=record,
        sentence=transfer_sentence(record, town.size_class, town.ags) if town else transfer_sentence(record),
        running=running,
        stopped=[e for e in record.adopters if e.stopped_reason],
        diffusion=diffusion_layout(record, lead.ags if lead else None, lead.name if lead else "", page.year),
        member_town=town,
        member_adopts=town is not None and town.ags in rows,
        member_stopped=town is not None and town.ags in rows and rows[town.ags].status == AdoptionStatus.STOPPED,
    )
